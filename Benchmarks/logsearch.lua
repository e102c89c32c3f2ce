-- wrk script for figure 6: GET /v1/log?citizen=… (or ?key=<MA_LK>) with random values that exist in the
-- bench-log-search store. Arguments (after `--`): operator bearer token, mode (citizen | key), messages in
-- the store. The values follow LogSearchFill.swift: citizen k in [0, messages/5) is "0" .. %02d(k % 63 + 1)
-- .. %09d(k); MA_LK of visit i is "LK" .. %014d(i).
-- done() (in wrk's main state, so it sums the threads' counters) prints one RESULT line: requests, non-200 answers and latency percentiles in ms.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   token = args[1]
   mode = args[2] or "citizen"
   messages = tonumber(args[3] or "10000000")
   citizens = math.max(1, math.floor(messages / 5))
   math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
   bad = 0
end

function request()
   local path
   if mode == "citizen" then
      local k = math.random(0, citizens - 1)
      path = string.format("/v1/log?citizen=0%02d%09d&limit=50", k % 63 + 1, k)
   else
      path = string.format("/v1/log?key=LK%014d&limit=50", math.random(0, messages - 1))
   end
   return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
   if status ~= 200 then
      bad = bad + 1
      if bad == 1 then io.stderr:write("logsearch: first non-200: " .. status .. " " .. body:sub(1, 200) .. "\n") end
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do bad = bad + (thread:get("bad") or 0) end
   io.write(string.format("RESULT requests=%d non200=%d errors=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      summary.requests, bad, summary.errors.connect + summary.errors.read + summary.errors.write
         + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000))
end
