-- tools/bench api: token refreshes. Run with as many threads as connections
-- (wrk -tN -cN): each thread's one connection spends its own token chain,
-- taking the next refresh token from each answer (reusing a spent one would
-- revoke the family). Tokens: one a line in $REEL_BENCH_TOKENS.
local tokens = {}
local next_thread = 0

function setup(thread)
  if #tokens == 0 then
    for line in io.lines(os.getenv("REEL_BENCH_TOKENS")) do
      if line ~= "" then tokens[#tokens + 1] = line end
    end
  end
  next_thread = next_thread + 1
  thread:set("token", tokens[next_thread])
end

function request()
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, '{"refreshToken":"' .. token .. '"}')
end

function response(status, headers, body)
  local spent = body:match('"refreshToken"%s*:%s*"([^"]+)"')
  if spent then token = spent end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
