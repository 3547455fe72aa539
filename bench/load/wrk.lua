-- wrk script of the load benchmark (bench/load/run.py writes the data file and reads
-- the "WRK-RESULT" line this prints at the end).
--
--   wrk -t2 -c50 -d30s --timeout 30s -s bench/load/wrk.lua http://127.0.0.1:8765 \
--       -- SCENARIO DATAFILE NTHREADS DEFER_UNTIL DUE_DATE
--
-- SCENARIO: bare | healthz (anonymous GET), queue (GET /queue/ as owners),
--           decide (the page's htmx POST /candidates/<pk>/decide/, answers the detail partial),
--           decide_plain (the same form without JavaScript, answers 302 to the queue).
-- DATAFILE: one line per simulated user: "<sessionid> <csrftoken> <pk>,<pk>,..." (pks: that
--           owner's pending candidates reserved for this wrk run; each is decided once).
-- Users are dealt to wrk threads (user i -> thread i % NTHREADS), so no two threads share
-- a candidate; each thread's connections take its users in turn, one session per request.

local counter = 0
local threads = {}

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local function split(s, sep)
   local out = {}
   for piece in string.gmatch(s, "([^" .. sep .. "]+)") do table.insert(out, piece) end
   return out
end

local function urlencode(s)
   return (string.gsub(s, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function form(fields)
   local parts = {}
   for _, kv in ipairs(fields) do table.insert(parts, kv[1] .. "=" .. urlencode(kv[2])) end
   return table.concat(parts, "&")
end

function init(args)
   scenario = args[1]
   local datafile, nthreads = args[2], tonumber(args[3])
   local defer_until, due = args[4], args[5]
   statuses = {}
   login_redirects = 0
   exhausted = 0
   sent = 0
   users = {}
   local i = 0
   for line in io.lines(datafile) do
      if line ~= "" then
         if i % nthreads == tid then
            local f = split(line, " ")
            local u = { session = f[1], csrf = f[2], pks = {}, next = 1 }
            if f[3] then
               for _, pk in ipairs(split(f[3], ",")) do table.insert(u.pks, pk) end
            end
            u.cookie = "sessionid=" .. u.session .. "; csrftoken=" .. u.csrf
            u.queue_request = wrk.format("GET", "/queue/", { Cookie = u.cookie })
            table.insert(users, u)
         end
         i = i + 1
      end
   end
   turn = 1
   bodies = {
      form({ { "action", "approve" }, { "version", "1" },
             { "next_step", "Propose a short call with the champion and the decision maker to scope the expansion." },
             { "next_step_who", "Maria Garcia" }, { "next_step_due", due }, { "consent_reviewed", "on" },
             { "override_reason", "The customer asked us directly; the ticket is being fixed this week." } }),
      form({ { "action", "reject" }, { "version", "1" }, { "reason_code", "bad_timing" },
             { "note", "Budget freeze until the next quarter." } }),
      form({ { "action", "defer" }, { "version", "1" }, { "defer_until", defer_until },
             { "reason", "Wait until the open ticket is solved." } }),
   }
   static = nil
   if scenario == "bare" then static = wrk.format("GET", "/bench/bare") end
   if scenario == "healthz" then static = wrk.format("GET", "/healthz") end
end

function request()
   sent = sent + 1
   if static then return static end
   local u = users[turn]
   turn = turn % #users + 1
   if scenario == "queue" then return u.queue_request end
   local pk = u.pks[u.next]
   if pk == nil then
      -- out of reserved candidates: repeat the last one (answers 409, counted as an error)
      exhausted = exhausted + 1
      pk = u.pks[#u.pks]
   end
   u.next = u.next + 1
   local headers = { Cookie = u.cookie, ["X-CSRFToken"] = u.csrf,
                     ["Content-Type"] = "application/x-www-form-urlencoded" }
   local path = "/candidates/" .. pk .. "/decide/"
   if scenario == "decide" then
      headers["HX-Request"] = "true"
      headers["HX-Target"] = "detail"
      headers["HX-Current-URL"] = "http://127.0.0.1/candidates/" .. pk .. "/"
   end
   return wrk.format("POST", path, headers, bodies[sent % 3 + 1])
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   local location = headers["Location"] or headers["location"]
   if location and string.find(location, "/login/", 1, true) then
      login_redirects = login_redirects + 1
   end
end

function done(summary, latency, requests)
   local merged, redirects, short = {}, 0, 0
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses") or {}
      for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
      redirects = redirects + (thread:get("login_redirects") or 0)
      short = short + (thread:get("exhausted") or 0)
   end
   local codes = {}
   for code, n in pairs(merged) do table.insert(codes, string.format('"%d": %d', code, n)) end
   local e = summary.errors
   io.write(string.format(
      'WRK-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "stdev_us": %.1f, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"statuses": {%s}, "login_redirects": %d, "exhausted": %d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean, latency.stdev,
      e.connect, e.read, e.write, e.status, e.timeout,
      table.concat(codes, ", "), redirects, short))
end
