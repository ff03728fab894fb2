-- Diagnostic run, used only when a measured run saw non-2xx answers: counts
-- answers by status and keeps the first non-2xx body. Method from the
-- script argument: wrk ... -s status.lua URL -- PUT
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if args[1] == "PUT" then
    wrk.method = "PUT"
    wrk.body = string.rep("b", 4096)
  end
  counts = {}
  sample = ""
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if (status < 200 or status > 299) and sample == "" then
    sample = tostring(status) .. " " .. (body or "")
  end
end

function done(summary, latency, requests)
  local total, first = {}, ""
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
    local s = t:get("sample")
    if first == "" and s ~= "" then first = s end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%d":%d', k, v)) end
  first = first:sub(1, 1500):gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('[%c]', ' ')
  io.write('WRKSTATUS {"counts":{' .. table.concat(parts, ",") .. '},"sample":"' .. first .. '"}\n')
end
