// The commented starters `faultline init` writes. Both validate as written (a test checks).
export const starterExperiment = `# yaml-language-server: $schema=https://faultline.dev/schemas/v1alpha1/experiment.json
# A Faultline experiment: a steady-state hypothesis, the faults that try to break it, and limits.
# Check it:  npx faultline validate experiment.yaml
# Preview:   npx faultline plan experiment.yaml     (the blast radius; changes nothing)
# Run it:    npx faultline run experiment.yaml      (Ctrl-C reverts every fault)
apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata:
  name: my-service-survives-a-slow-dependency   # lower-case letters, digits, dashes
  labels: { team: my-team }
spec:
  description: My service keeps answering within 500 ms when its dependency is slow.
  duration: 60s                 # the method: faults and continuous probing
  configuration:                # defaults for \${VAR}; the environment and --var override them
    SERVICE_URL: http://127.0.0.1:8080
    TOXIPROXY_URL: http://127.0.0.1:8474
  hypothesis:                   # checked before, during (every 2s) and after the faults
    probes:
      - name: service-answers
        http: { url: "\${SERVICE_URL}/", timeout: 2s }
        expect: { status: 200, latencyMs: { below: 500 } }
      # - name: error-ratio
      #   prometheus:
      #     url: http://127.0.0.1:9090
      #     query: sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))
      #   expect: { below: 0.01 }
    during: { every: 2s, failAfter: 2 }   # 2 failed samples in a row = deviated
  faults:
    - name: slow-dependency
      toxiproxy:                # latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data
        url: \${TOXIPROXY_URL}
        proxy: dependency       # an existing proxy; add listen + upstream to have it created
        toxic: latency
        attributes: { latency: 800, jitter: 50 }
      start: 10s
      duration: 30s
    # - name: kill-one-pod
    #   podKill: { namespace: my-namespace, selector: app=my-service, count: 1, gracePeriod: 10s }
    #   start: 20s
  abortWhen:                    # any of these failing stops the run and reverts everything
    - name: service-alive
      http: { url: "\${SERVICE_URL}/healthz", timeout: 1s }
      expect: { status: 200 }
  recovery: 10s                 # wait after reverting, before the steady state is checked again
  safety:
    namespaces: [my-namespace]  # Kubernetes faults only ever touch these
    maxPodsPercent: 50
`;

export const starterSchedule = `# yaml-language-server: $schema=https://faultline.dev/schemas/v1alpha1/schedule.json
# A game-day schedule. Preview the fire times:  npx faultline schedule schedule.yaml --next 5
# Run the daemon:                               npx faultline schedule schedule.yaml
apiVersion: faultline.dev/v1alpha1
kind: Schedule
metadata:
  name: weekly-game-day
spec:
  timezone: Europe/Berlin       # cron, windows and blackouts are in this time zone
  entries:
    - name: slow-dependency
      experiment: experiment.yaml          # relative to this file
      cron: "0 11 * * tue"                 # Tuesdays at 11:00
  windows:                      # fires outside every window are skipped
    - { days: [mon, tue, wed, thu], from: "10:00", to: "16:00" }
  blackouts: ["2026-12-24", "2026-12-31"]
  jitter: 5m                    # start up to 5 minutes late, at random
  concurrency: skip             # a fire while a run is going is skipped
  # notifications:
  #   webhooks: [{ url: "\${SLACK_WEBHOOK_URL}" }]
  # lease: { name: faultline-gameday, namespace: faultline }   # with 2 daemons, only the holder fires
`;
