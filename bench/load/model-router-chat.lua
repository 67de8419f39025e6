-- wrk script: non-streaming chat completions of the benchmark model "fake-model" (bench/load/model-router-overhead.sh),
-- the same body whether sent to the router or straight to the fake upstream (bench/load/FakeLlm).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"fake-model","max_tokens":32,"messages":[{"role":"user","content":"What does a router do?"}]}'
