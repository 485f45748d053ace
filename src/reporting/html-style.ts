// The stylesheet of report.html, inlined: readable on a phone, on a wide screen and on paper.
export const reportCss = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--warn:#9a6700;--info:#59636e;--accent:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{max-width:1040px;margin:0 auto;padding:24px 28px 48px}
header.top{border-left:6px solid var(--info);padding:4px 0 4px 16px;margin-bottom:20px}
header.top.tone-good{border-color:var(--good)}header.top.tone-bad{border-color:var(--bad)}header.top.tone-warn{border-color:var(--warn)}
.kicker{margin:0;color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.06em}
h1{margin:2px 0 8px;font-size:26px;line-height:1.25;overflow-wrap:anywhere}
h2{margin:32px 0 10px;font-size:19px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:18px 0 6px;font-size:15px}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:600;font-size:14px;color:#fff;background:var(--info)}
.badge.tone-good{background:var(--good)}.badge.tone-bad{background:var(--bad)}.badge.tone-warn{background:var(--warn)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:4px 18px;margin:12px 0 0}
.facts div{min-width:0}.facts dt{color:var(--muted);font-size:12px}.facts dd{margin:0;overflow-wrap:anywhere}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;padding:8px 0;border-top:1px solid var(--line);border-bottom:1px solid var(--line)}
nav.toc a{color:var(--accent);text-decoration:none}
p{margin:8px 0;overflow-wrap:anywhere}
p.tone-good,p.tone-bad,p.tone-warn{padding:8px 12px;border-radius:6px;background:var(--soft);border-left:4px solid var(--info)}
p.tone-good{border-color:var(--good)}p.tone-bad{border-color:var(--bad)}p.tone-warn{border-color:var(--warn)}
ul,ol{padding-left:22px;margin:8px 0}li{margin:4px 0;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;margin:10px 0;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{background:var(--soft);font-weight:600;white-space:nowrap}
tr:last-child td{border-bottom:none}
td{overflow-wrap:break-word;min-width:4em}
td.tone-good{color:var(--good)}td.tone-bad{color:var(--bad);font-weight:600}td.tone-warn{color:var(--warn)}
figure{margin:14px 0;padding:10px 12px;border:1px solid var(--line);border-radius:6px;break-inside:avoid;page-break-inside:avoid}
figcaption{font-size:13px;margin-bottom:4px;overflow-wrap:anywhere}figcaption strong{font-size:14px}
svg{display:block;width:100%;height:auto;font-family:inherit}
svg text{font-size:11px;fill:var(--muted)}
svg .grid{stroke:#eaeef2;stroke-width:1}
svg .frame{fill:none;stroke:var(--line)}
svg .band{fill:rgba(26,127,55,.11)}
svg .bound{stroke:var(--good);stroke-width:1.2;stroke-dasharray:5 4}
svg .shade{fill:rgba(255,140,0,.16)}
svg .shade.left-in-place{fill:rgba(207,34,46,.16)}
svg .line{fill:none;stroke:var(--accent);stroke-width:1.4;stroke-linejoin:round}
svg .dot{fill:var(--accent)}
svg .series-line{fill:none;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}
svg .series-line.tone-accent{stroke:var(--accent)}svg .series-line.tone-good{stroke:var(--good)}
svg .series-line.tone-bad{stroke:var(--bad)}svg .series-line.tone-warn{stroke:#bf8700}
svg .series-line.tone-muted{stroke:#8c959f;stroke-dasharray:4 3}
svg .ok-tick{stroke:var(--good);stroke-width:1.5}
svg .miss{fill:var(--bad);stroke:#fff;stroke-width:1}
svg .axis-label{font-size:11px}
svg .row-label{fill:var(--fg);font-size:11px}
svg .planned{fill:none;stroke:#8c959f;stroke-dasharray:4 3}
svg .bar{fill:#fb8c00}svg .bar.failed{fill:var(--bad)}svg .bar.retried{fill:#bf8700}
svg .bar.phase{fill:#d8dee4}svg .bar.phase-method{fill:#b6d7f5}svg .bar.phase-revert{fill:#f5d0a9}
svg .bar.phase-steady-state-before,svg .bar.phase-steady-state-after{fill:#c6e6cd}
svg .bar-text{font-size:10.5px;fill:var(--fg)}
svg .marker{stroke:var(--bad);stroke-width:1.4;stroke-dasharray:3 2}
svg .marker-label{fill:var(--bad);font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted);margin:4px 0 0}
.legend span::before{content:"";display:inline-block;width:12px;height:10px;margin-right:5px;vertical-align:-1px;border-radius:2px}
.legend .l-line::before{height:2px;vertical-align:3px;background:var(--accent)}
.legend .l-band::before{background:rgba(26,127,55,.25);border-top:1px dashed var(--good);border-bottom:1px dashed var(--good)}
.legend .l-fault::before{background:rgba(255,140,0,.35)}
.legend .l-miss::before{width:9px;height:9px;border-radius:50%;background:var(--bad)}
.legend .l-planned::before{border:1px dashed #8c959f}
.legend .l-bar::before{background:#fb8c00}
.legend .l-failed::before{background:var(--bad)}
.legend .l-accent::before,.legend .l-good::before,.legend .l-bad::before,.legend .l-warn::before,.legend .l-muted::before{height:2px;vertical-align:3px}
.legend .l-accent::before{background:var(--accent)}.legend .l-good::before{background:var(--good)}
.legend .l-bad::before{background:var(--bad)}.legend .l-warn::before{background:#bf8700}.legend .l-muted::before{background:#8c959f}
footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
@media (max-width:640px){
.page{padding:14px 12px 32px}
body{font-size:14px}
h1{font-size:21px}h2{font-size:17px}
.facts{grid-template-columns:1fr 1fr}
table{font-size:12px}th,td{padding:4px 6px}
figure{padding:6px}
.scroll-x{overflow-x:auto}svg.gantt{min-width:620px}
svg.chart text{font-size:18px}svg.chart .axis-label{display:none}
.table-wrap{border:none;overflow:visible}
.table-wrap table,.table-wrap tbody,.table-wrap tr{display:block;width:100%}
.table-wrap thead{display:none}
.table-wrap tr{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 0}
.table-wrap td{display:grid;grid-template-columns:38% 1fr;gap:8px;border:none;padding:2px 8px;min-width:0}
.table-wrap td::before{content:attr(data-label);color:var(--muted);font-weight:400}
}
@media print{
@page{margin:14mm}
body{font-size:10.5pt;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.page{max-width:none;padding:0}
nav.toc{display:none}
h2{break-after:avoid;page-break-after:avoid}
.table-wrap{overflow:visible;border:none}
table{font-size:9pt}tr{break-inside:avoid}
th{white-space:normal}
a{color:inherit;text-decoration:none}
}
`;
