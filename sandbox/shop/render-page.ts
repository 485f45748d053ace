import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PageContent } from './load-products.ts';
import type { Product } from './product.ts';

const unavailable = 'Products are unavailable right now, please try again shortly.';

// HTML for browsers; JSON when the client asks for application/json (probes, scripts).
export function sendPage(request: IncomingMessage, response: ServerResponse, content: PageContent): void {
  const wantsJson = (request.headers.accept ?? '').includes('application/json');
  const status = content.kind === 'bad-gateway' ? 502 : 200;
  const headers: Record<string, string> = {
    'content-type': wantsJson ? 'application/json' : 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (content.kind === 'degraded') headers['x-degraded'] = '1';
  response.writeHead(status, headers);
  if (request.method === 'HEAD') return void response.end();
  response.end(wantsJson ? renderJson(content) : renderHtml(content));
}

function renderJson(content: PageContent): string {
  switch (content.kind) {
    case 'products':
      return JSON.stringify({ degraded: false, products: content.products });
    case 'degraded':
      return JSON.stringify({ degraded: true, message: unavailable, products: [] });
    case 'bad-gateway':
      return JSON.stringify({ error: `catalog failed: ${content.reason}` });
  }
}

function renderHtml(content: PageContent): string {
  const main =
    content.kind === 'products'
      ? `<ul>\n${content.products.map(renderProduct).join('\n')}\n</ul>`
      : content.kind === 'degraded'
        ? `<p class="degraded">${unavailable}</p>`
        : `<p class="error">Bad gateway: the catalog failed (${escapeHtml(content.reason)}).</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Faultline shop</title></head>
<body>
<h1>Faultline shop</h1>
${main}
</body>
</html>
`;
}

function renderProduct(product: Product): string {
  const price = (product.priceCents / 100).toFixed(2);
  return `<li data-id="${escapeHtml(product.id)}">${escapeHtml(product.name)} – $${price}</li>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
