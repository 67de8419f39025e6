-- wrk script: non-streaming chat completions against the built-in demo model.
-- wrk -t2 -c32 -d10s -s bench/Crossroads.Benchmarks/ModelRouting/chat-demo.lua http://127.0.0.1:5099/v1/chat/completions
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"auto","max_tokens":32,"messages":[{"role":"user","content":"What does a router do?"}]}'
