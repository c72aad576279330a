# Shared by the bench scripts (sourced, not run).

# Stops the processes whose pids are given, the last started first: TERM to all, then up to 10 s for
# each to exit, then KILL.
stop_pids() {
  local i p=("$@")
  for ((i = ${#p[@]} - 1; i >= 0; i--)); do
    kill -TERM "${p[i]}" 2>/dev/null || true
  done
  for ((i = ${#p[@]} - 1; i >= 0; i--)); do
    for _ in $(seq 1 100); do kill -0 "${p[i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${p[i]}" 2>/dev/null || true
  done
}
