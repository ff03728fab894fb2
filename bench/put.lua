-- PUT a 4096-byte body to the URL given on wrk's command line (a presigned
-- SigV4 PUT URL signs only the host header, so the same URL can be replayed).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

wrk.method = "PUT"
wrk.body = string.rep("b", 4096)
