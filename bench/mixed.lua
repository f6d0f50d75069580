-- A mixed signed-in load for wrk (bench/pages.py writes the request list and runs it):
--   wrk -t8 -c8 -d120s -s bench/mixed.lua http://127.0.0.1:8765 -- requests.tsv 8 /accounts/login/
-- Arguments: the request list, wrk's thread count, then the paths of the sign-in pages.
-- Each line of requests.tsv is "<Cookie header value>\t<path>" (a GET) or
-- "<Cookie header value>\t<path>\tPOST\t<urlencoded form>" (a form sent as a browser
-- sends it: the cookie holds a CSRF token, sent again in X-CSRFToken).
-- Thread n of N takes lines n, n+N, ... and walks them in order. A GET comes round again;
-- a POST is sent once: a signature or a loan can be made only once, so a second send would
-- not be a write.
-- One connection per thread (-t8 -c8): wrk does not say which connection a response came
-- on, so only then is a response known to answer the thread's last request.
-- OK: 200 to a GET (a redirect would mean the session was lost and we were timing the
-- sign-in redirect); a redirect to a POST, unless to a sign-in page. A 200 to a POST (or
-- the lend form's 400) is the form shown again with an error: a write refused.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function csrf_token(cookie)
  return cookie:match("csrftoken=(%w+)")
end

function init(args)
  local thread_count = tonumber(args[2]) or 1
  sign_in_paths = { (table.unpack or unpack)(args, 3) }
  lines = {}
  local n = 0
  for line in io.lines(args[1]) do
    local cookie, path, body = line:match("^([^\t]+)\t([^\t]+)\tPOST\t(.*)$")
    local entry
    if cookie then
      local headers = {
        Cookie = cookie,
        ["X-CSRFToken"] = csrf_token(cookie),
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }
      entry = { post = true, path = path, request = wrk.format("POST", path, headers, body) }
    else
      cookie, path = line:match("^([^\t]+)\t([^\t]+)$")
      if cookie then
        entry = { post = false, request = wrk.format("GET", path, { Cookie = cookie }) }
      end
    end
    if entry then
      if n % thread_count == id then
        table.insert(lines, entry)
      end
      n = n + 1
    end
  end
  index = 0
  current = nil -- the request in flight on this thread's one connection
  not_ok, not_ok_writes = 0, 0
  sent, redirected, refused = {}, {}, {} -- POSTs by path
end

function request()
  for _ = 1, #lines do
    index = index % #lines + 1
    local entry = lines[index]
    if not (entry.post and entry.sent) then
      if entry.post then
        entry.sent = true
        sent[entry.path] = (sent[entry.path] or 0) + 1
      end
      current = entry
      return entry.request
    end
  end
  -- Every line is a POST sent already (not seen with a real mix): send the first again.
  current = lines[1]
  return current.request
end

local function to_sign_in(headers)
  local location = headers["Location"] or headers["location"] or ""
  for _, path in ipairs(sign_in_paths) do
    if location:find(path, 1, true) then
      return true
    end
  end
  return false
end

local function add(counts, key)
  counts[key] = (counts[key] or 0) + 1
end

function response(status, headers, body)
  local entry = current
  if entry == nil then
    not_ok = not_ok + 1
  elseif not entry.post then
    if status ~= 200 then
      not_ok = not_ok + 1
    end
  elseif (status == 302 or status == 303) and not to_sign_in(headers) then
    add(redirected, entry.path)
  elseif status == 200 or status == 400 then
    add(refused, entry.path)
  else
    not_ok = not_ok + 1
    not_ok_writes = not_ok_writes + 1
  end
  current = nil
end

local function total(counts)
  local sum = 0
  for _, count in pairs(counts) do
    sum = sum + count
  end
  return sum
end

function done(summary, latency, requests)
  local bad, bad_writes = 0, 0
  local by_path = {} -- path -> { sent, redirected, refused }
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
    bad_writes = bad_writes + thread:get("not_ok_writes")
    for column, name in ipairs({ "sent", "redirected", "refused" }) do
      for path, count in pairs(thread:get(name)) do
        by_path[path] = by_path[path] or { 0, 0, 0 }
        by_path[path][column] = by_path[path][column] + count
      end
    end
  end
  local writes = { 0, 0, 0 }
  for _, counts in pairs(by_path) do
    for column = 1, 3 do
      writes[column] = writes[column] + counts[column]
    end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  local seconds = summary.duration / 1e6
  io.write("RESULT\n")
  io.write(string.format("requests %d in %.1f s: %.1f requests/s, %.1f%% of them writes\n",
    summary.requests, seconds, summary.requests / seconds,
    100 * writes[1] / math.max(summary.requests, 1)))
  io.write(string.format("latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: %d responses not OK (%d of them to writes), "
    .. "%d socket errors/timeouts\n", bad, bad_writes, socket_errors))
  io.write(string.format("writes: %d sent, %d redirected as done, %d refused\n",
    writes[1], writes[2], writes[3]))
  for path, counts in pairs(by_path) do
    io.write(string.format("WRITE\t%s\t%d\t%d\t%d\n", path, counts[1], counts[2], counts[3]))
  end
end
