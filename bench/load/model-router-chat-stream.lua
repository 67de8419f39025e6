-- wrk script: streaming chat completions of the benchmark model "fake-model" (the body of ChatStreamProbe.Body), used
-- by bench/load/model-router-ttft.sh to bring the router's streaming path to its steady state before timing it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"fake-model","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"What does a router do?"}]}'
