-- A mixed signed-in load for wrk (bench/pages.py writes the request list and runs it):
--   wrk -t2 -c8 -d120s -s bench/mixed.lua http://127.0.0.1:8765 -- requests.tsv
-- Each line of requests.tsv is "<Cookie header value>\t<path>"; each connection walks the
-- list from its own starting point. Anything but a 200 counts as an error (a 302 would
-- mean the session was lost and we were timing the sign-in redirect).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^([^\t]+)\t(.+)$")
    if cookie then
      table.insert(requests, wrk.format("GET", path, { Cookie = cookie }))
    end
  end
  index = math.random(#requests)
  not_ok = 0
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write("RESULT\n")
  io.write(string.format("requests %d in %.1f s: %.1f requests/s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: %d responses not 200, %d socket errors/timeouts\n",
    bad, socket_errors))
end
