-- wrk script: POST a signed 10 KB GitHub push to forgebus (loopback only).
-- Usage: wrk -t1 -c32 -d30s -s bench/wrk/post-webhook.lua http://127.0.0.1:8080/webhooks/github
local f = assert(io.open("bench/wrk/push-10k.json", "rb"))
local body = f:read("*a")
f:close()
local sig = os.getenv("SIG")
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = "wrk-" .. tostring(os.time()) .. "-" .. tostring(n) .. "-" .. tostring(math.random(1, 1e9)),
    ["X-Hub-Signature-256"] = "sha256=" .. sig,
  }, body)
end
