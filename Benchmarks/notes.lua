-- wrk script for the ingest benchmarks: every request POSTs a unique small test.note, so none is
-- deduplicated. Arguments (after `--`): key prefix, bearer token ("-" for none), the status that counts
-- as acknowledged (202 from the gateway, 200 through nginx to the sink).
-- done() prints one machine-readable RESULT line with counts per status class and latency percentiles.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("tid", next_id)
   table.insert(threads, thread)
end

function init(args)
   prefix = args[1] or "run"
   token = args[2] or "-"
   expected = tonumber(args[3] or "202")
   counter = 0
   acked, s2xx, s4xx, s5xx, sother = 0, 0, 0, 0, 0
end

function request()
   counter = counter + 1
   local key = prefix .. "-" .. tid .. "-" .. counter
   local body = '{"key":"' .. key .. '","text":"benchmark note ' .. counter .. ': a small unique test message"}'
   local headers = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }
   if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
   return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
   if status == expected then acked = acked + 1
   elseif status >= 200 and status < 300 then s2xx = s2xx + 1
   elseif status >= 400 and status < 500 then s4xx = s4xx + 1
   elseif status >= 500 then s5xx = s5xx + 1
   else sother = sother + 1 end
end

function done(summary, latency, requests)
   local totals = { acked = 0, s2xx = 0, s4xx = 0, s5xx = 0, sother = 0 }
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
   end
   io.write(string.format(
      "RESULT acked=%d other2xx=%d s4xx=%d s5xx=%d sother=%d errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
      totals.acked, totals.s2xx, totals.s4xx, totals.s5xx, totals.sother,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
