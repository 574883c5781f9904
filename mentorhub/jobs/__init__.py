"""Long background jobs (a match run, a roster import, a roll-up): who runs each one, whether that worker still
lives, and the sweeper that sends again what a dead worker or a lost message left behind.

- `mentorhub.jobs.liveness`: the claim (a token in `claimed_by`), the heartbeat a running task refreshes, and the
  rules "dead" (running, heartbeat too old) and "claimable" (queued, or dead) that every job row shares.
- `mentorhub.jobs.sweep`: the registry of job kinds (each app's tasks module registers its own) and the beat
  task `jobs.sweep`.

Below every app: it imports none (each app hands it its model and task).
"""
