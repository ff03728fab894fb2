-- GET the URL given on wrk's command line; only adds the JSON summary.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")
