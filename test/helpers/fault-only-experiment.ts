// An experiment whose hypothesis always holds (a command that exits 0), so only its fault's inject
// and revert matter. `fault` is the YAML of one fault, its later lines indented by six spaces.
export const faultOnlyExperiment = (name: string, duration: string, fault: string) => `
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
  faults:
    - ${fault}
`;

/** Needs no server: its Toxiproxy never answers, and its fault is due only after 50 s. */
export const offlineExperiment = faultOnlyExperiment(
  'offline',
  '60s',
  `name: slow
      toxiproxy: { url: "http://127.0.0.1:9", proxy: catalog, toxic: latency }
      start: 50s`,
);
