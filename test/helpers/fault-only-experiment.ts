// An experiment whose hypothesis always holds (a command that exits 0), so only its faults' inject
// and revert matter. Each fault is the YAML of one fault, its later lines indented by six spaces;
// `every` samples the hypothesis that often during the method (a halt is read as often).
export const faultOnlyExperiment = (
  name: string,
  duration: string,
  faults: string | readonly string[],
  options: { every?: string } = {},
) => `
apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  hypothesis:
    probes:
      - name: always-fine
        command: { run: ["true"] }
        expect: { exitCode: 0 }
${options.every ? `    during: { every: ${options.every} }\n` : ''}  faults:
${(typeof faults === 'string' ? [faults] : faults).map((fault) => `    - ${fault}`).join('\n')}
`;

/** Needs no server: its Toxiproxy never answers, and its fault is due only after 50 s. */
export const offlineExperiment = faultOnlyExperiment(
  'offline',
  '60s',
  `name: slow
      toxiproxy: { url: "http://127.0.0.1:9", proxy: catalog, toxic: latency }
      start: 50s`,
);
