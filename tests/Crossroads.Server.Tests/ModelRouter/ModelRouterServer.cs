using System.ClientModel;
using Crossroads.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>
/// The real server in-process on a loopback port with the model router configured by the given arguments (e.g. <see cref="TwoModels"/>)
/// (or with no model configuration: the demo model), the other modules off, rate limits off. Started means ready.
/// </summary>
public sealed class ModelRouterServer : ModuleServer
{
    private ModelRouterServer(InProcessServer server, TempDirectory? owned)
        : base(server, owned)
    {
    }

    /// <summary>Two models on one fake upstream: <c>cheap</c> (quality 0.6, $1/$2 per MTok) and <c>strong</c> (quality 0.9, $10/$30).</summary>
    public static string[] TwoModels(Uri upstream, params string[] extra) =>
    [
        "--ModelRouter:Upstreams:0:Id=fake",
        "--ModelRouter:Upstreams:0:BaseUrl=" + upstream,
        "--ModelRouter:Upstreams:0:FirstTokenTimeoutMs=1500",
        "--ModelRouter:Upstreams:0:TimeoutMs=10000",
        "--ModelRouter:Models:0:Id=cheap",
        "--ModelRouter:Models:0:Upstream=fake",
        "--ModelRouter:Models:0:InputPricePerMTok=1",
        "--ModelRouter:Models:0:OutputPricePerMTok=2",
        "--ModelRouter:Models:0:Quality=0.6",
        "--ModelRouter:Models:0:LatencyP95Ms=500",
        "--ModelRouter:Models:0:ContextWindow=4096",
        "--ModelRouter:Models:1:Id=strong",
        "--ModelRouter:Models:1:Upstream=fake",
        "--ModelRouter:Models:1:InputPricePerMTok=10",
        "--ModelRouter:Models:1:OutputPricePerMTok=30",
        "--ModelRouter:Models:1:Quality=0.9",
        "--ModelRouter:Models:1:LatencyP95Ms=3000",
        "--ModelRouter:Models:1:ContextWindow=128000",
        .. extra,
    ];

    /// <summary>The environment variable the Anthropic upstream of <see cref="AnthropicAndOpenAi"/> reads its key from.</summary>
    public const string AnthropicKeyVariable = "CROSSROADS_TEST_ANTHROPIC_KEY";

    /// <summary>The key in <see cref="AnthropicKeyVariable"/>.</summary>
    public const string AnthropicKey = "sk-ant-test-key";

    /// <summary>
    /// Two upstreams on one fake: <c>anthropic</c> (Messages API) serving <c>claude</c> (upstream name
    /// <c>claude-fake</c>, quality 0.8, $3/$15 per MTok) and <c>openai</c> serving <c>gpt</c> (quality 0.7, $1/$4).
    /// </summary>
    public static string[] AnthropicAndOpenAi(FakeUpstream upstream, params string[] extra)
    {
        Environment.SetEnvironmentVariable(AnthropicKeyVariable, AnthropicKey);
        return
        [
            "--ModelRouter:Upstreams:0:Id=anthropic",
            "--ModelRouter:Upstreams:0:Kind=anthropic",
            "--ModelRouter:Upstreams:0:BaseUrl=" + upstream.AnthropicBaseUrl,
            "--ModelRouter:Upstreams:0:ApiKeyEnv=" + AnthropicKeyVariable,
            "--ModelRouter:Upstreams:0:FirstTokenTimeoutMs=1500",
            "--ModelRouter:Upstreams:0:TimeoutMs=10000",
            "--ModelRouter:Upstreams:1:Id=openai",
            "--ModelRouter:Upstreams:1:BaseUrl=" + upstream.BaseUrl,
            "--ModelRouter:Upstreams:1:FirstTokenTimeoutMs=1500",
            "--ModelRouter:Upstreams:1:TimeoutMs=10000",
            "--ModelRouter:Models:0:Id=claude",
            "--ModelRouter:Models:0:Upstream=anthropic",
            "--ModelRouter:Models:0:UpstreamModel=claude-fake",
            "--ModelRouter:Models:0:InputPricePerMTok=3",
            "--ModelRouter:Models:0:OutputPricePerMTok=15",
            "--ModelRouter:Models:0:Quality=0.8",
            "--ModelRouter:Models:0:ContextWindow=200000",
            "--ModelRouter:Models:1:Id=gpt",
            "--ModelRouter:Models:1:Upstream=openai",
            "--ModelRouter:Models:1:InputPricePerMTok=1",
            "--ModelRouter:Models:1:OutputPricePerMTok=4",
            "--ModelRouter:Models:1:Quality=0.7",
            "--ModelRouter:Models:1:ContextWindow=128000",
            .. extra,
        ];
    }

    public static Task<ModelRouterServer> StartAsync(params string[] modelConfig) => StartInAsync(null, modelConfig);

    /// <summary>With DATA_DIR <paramref name="dataDirectory"/> (kept by the caller: a restart reuses it), or a fresh one when null.</summary>
    public static Task<ModelRouterServer> StartInAsync(string? dataDirectory, params string[] modelConfig) =>
        StartAsync(
            "crossroads-mr-",
            dataDirectory,
            data =>
            [
                InProcessServer.LoopbackUrls,
                "--DATA_DIR", data,
                "--Modules:ServiceRoutes:Enabled=false",
                "--RateLimits:Enabled=false",
                "--Shutdown:DrainDelaySeconds=0",
                "--Logging:LogLevel:Default=Warning",
                .. modelConfig,
            ],
            static (server, owned) => new ModelRouterServer(server, owned));

    /// <summary>The official OpenAI client pointed at the router.</summary>
    public ChatClient Chat(string model) =>
        new(model, new ApiKeyCredential("unused-key"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>
    /// The official OpenAI client with the API key <paramref name="key"/> (sent as <c>Authorization: Bearer</c>), its
    /// default retry policy, and every HTTP request it sends counted in <paramref name="sent"/> (to see its retries).
    /// </summary>
    public ChatClient Chat(string model, string key, RequestCounter sent) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, "/v1"),
            NetworkTimeout = TimeSpan.FromSeconds(30),
            Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(new HttpClient(sent)),
        });

    /// <summary>A client that sends <c>Authorization: Bearer <paramref name="key"/></c>.</summary>
    public HttpClient ClientWithKey(string key)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The chassis settings of an API key named <paramref name="name"/> whose secret is <c>secret-NAME</c>.</summary>
    public static string[] ApiKey(int index, string name) =>
    [
        $"--Auth:ApiKeys:{index}:Name={name}",
        $"--Auth:ApiKeys:{index}:Sha256={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("secret-" + name)))}",
    ];
}
