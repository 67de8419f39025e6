using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// The built-in demo model: no network, no weights. It answers deterministically (the same messages give the same
/// text) with a clearly-labelled canned answer that quotes the question, streams it word by word, honours
/// <c>max_tokens</c> (finish reason <c>length</c>) and reports real token counts (o200k_base) as usage, so every
/// endpoint, the budgets and the decision records can be tried with no upstream at all. Offered tools are ignored
/// unless <c>tool_choice</c> demands a call (<c>required</c> or a named function): then it calls that function (or
/// the first tool) with the arguments <c>{}</c> and an id derived from the messages, finish reason <c>tool_calls</c>,
/// so a client's tool loop can be tried too; it never fills in arguments (it does not read schemas). It cannot see
/// images: a request with some is answered as usual, and the answer says the images were ignored.
/// </summary>
public sealed class DemoModelProvider : IModelProvider
{
    /// <summary>The upstream id the demo model is served by.</summary>
    public const string UpstreamId = "demo";

    private static readonly string[] Openers =
    [
        "Here is a deterministic answer from the Crossroads demo model.",
        "The Crossroads demo model answers locally, without calling any provider.",
        "This reply comes from the built-in demo model of Crossroads.",
    ];

    private static readonly string[] Bodies =
    [
        "Configure an upstream under ModelRouter:Upstreams and a model under ModelRouter:Models to route real traffic.",
        "Each request gets a decision record at /v1/decisions/{id} that lists every candidate and why it was or was not chosen.",
        "Budgets are reserved before a call and settled to the real usage afterwards, so concurrent requests cannot overspend.",
        "The policy picks the cheapest eligible model, or learns per prompt cluster with a bandit fed by /v1/observe.",
    ];

    private readonly TimeSpan _delay;

    /// <summary>A demo model that waits <paramref name="interTokenDelay"/> between words (zero: none).</summary>
    public DemoModelProvider(TimeSpan interTokenDelay = default) => _delay = interTokenDelay;

    /// <summary>
    /// What the demo model honours: tools (as described above), <c>stop</c> (the answer ends before the first stop
    /// sequence) and <c>seed</c> (it is always deterministic). Not JSON modes (its text is not JSON), penalties,
    /// <c>logit_bias</c> or log probabilities: it does not sample, and ignoring them would change the answer silently.
    /// Nor <c>reasoning_effort</c>: it does not reason, and a client asking for an effort expects a reasoning model's
    /// answer, which a silent canned text is not. Temperature and <c>top_p</c> only shape randomness, which it has
    /// none of, so they are accepted and have no effect. Nor <c>store: true</c> (it keeps nothing), the paid
    /// <c>service_tier</c>s <c>flex</c>, <c>scale</c> and <c>priority</c>, <c>prediction</c> or <c>web_search_options</c>
    /// (it cannot search); <c>metadata</c>, <c>store: false</c> and the tiers <c>auto</c> and <c>default</c> ask for
    /// nothing it would do differently and are accepted.
    /// </summary>
    public const RequestFeatures Serves = RequestFeatures.Tools | RequestFeatures.ParallelToolCalls | RequestFeatures.Stop | RequestFeatures.Seed;

    /// <inheritdoc />
    public string Id => UpstreamId;

    /// <inheritdoc />
    public RequestFeatures Capabilities => Serves;

    /// <summary>The whole answer to <paramref name="messages"/> (before <c>max_tokens</c> truncation).</summary>
    public static string Answer(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var question = messages.LastOrDefault(static m => m.Role == "user")?.Content ?? string.Empty;
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Join('\u0001', messages.Select(static m => m.Role + ":" + m.Content))));
        var words = question.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var quoted = string.Join(' ', words.Take(12)) + (words.Length > 12 ? " ..." : string.Empty);
        var answer = new StringBuilder();
        answer.Append(Openers[(int)(hash % (ulong)Openers.Length)]);
        // It cannot see images; saying so (early, before max_tokens can cut it) keeps it from seeming to answer about them.
        int images = messages.Sum(static m => m.Images.Count());
        if (images > 0)
        {
            answer.Append(images == 1 ? " It cannot see images: the image in this request was ignored." : FormattableString.Invariant($" It cannot see images: the {images} images in this request were ignored."));
        }

        answer.Append(" You asked: \"").Append(quoted).Append("\". ");
        answer.Append(Bodies[(int)((hash >> 8) % (ulong)Bodies.Length)]);
        answer.Append(' ').Append(Bodies[(int)((hash >> 16) % (ulong)Bodies.Length)]);
        return answer.ToString();
    }

    /// <summary>
    /// Prompt tokens of <paramref name="messages"/> and <paramref name="tools"/>: their text (and an assistant's tool
    /// call names and arguments and thinking blocks, a tool message's call id) plus the chat format's per-message overhead, and each tool
    /// definition's JSON as the client sent it. OpenAI renders tools in a format of its own, so the count is an
    /// estimate of the same order, as it is for the messages. Each image counts as GPT-4o bills it
    /// (<see cref="ImageTokenRule.OpenAi"/>, the demo model's rule: what the router reserved for it), and a JSON
    /// <paramref name="responseFormat"/> its JSON (the schema).
    /// </summary>
    public static int PromptTokens(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition>? tools = null, ResponseFormat? responseFormat = null) =>
        (int)Math.Min(int.MaxValue, TextPromptTokens(messages, tools, responseFormat) + ImageTokenRule.OpenAi.Tokens(messages.SelectMany(static m => m.Images)));

    /// <summary>
    /// <see cref="PromptTokens"/> without the images: what the router counts before routing, when the model (and so how
    /// images are billed, <see cref="Routing.RouteRequest.PromptTokens"/>) is not chosen yet.
    /// </summary>
    public static int TextPromptTokens(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition>? tools = null, ResponseFormat? responseFormat = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        int total = 3;
        foreach (var message in messages)
        {
            total += TokenCounter.PerMessageOverhead + TokenCounter.Count(message.Content);
            if (message.ToolCallId is { } id)
            {
                total += TokenCounter.Count(id);
            }

            foreach (var call in message.ToolCalls ?? [])
            {
                total += TokenCounter.Count(call.Name) + TokenCounter.Count(call.Arguments);
            }

            // Thinking blocks sent back in a tool loop are input Anthropic counts (the current turn's thinking is part
            // of the context); a redacted block's data stands in for the thinking it hides. Not sent to OpenAI
            // upstreams, where they only raise the estimate.
            foreach (var block in message.ThinkingBlocks ?? [])
            {
                total += TokenCounter.Count(block.Text);
            }
        }

        foreach (var tool in tools ?? [])
        {
            total += TokenCounter.Count(tool.Json);
        }

        // A JSON format's schema reaches the model too (OpenAI adds it to the prompt; Anthropic gets it as a tool).
        if (responseFormat is { Type: not "text" })
        {
            total += TokenCounter.Count(responseFormat.Json);
        }

        return total;
    }

    /// <summary>The call the demo model makes when <c>tool_choice</c> demands one (see the class summary), else null.</summary>
    public static ToolCall? DemandedCall(ProviderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Tools is not { Count: > 0 } tools || request.ToolChoice is not { Mode: ToolChoiceMode.Required or ToolChoiceMode.Function } choice)
        {
            return null;
        }

        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Join('\u0001', request.Messages.Select(static m => m.Role + ":" + m.Content))));
        return new ToolCall("call_demo_" + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), choice.Name ?? tools[0].Name, "{}");
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CompletionEvent> StreamAsync(string model, ProviderRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (DemandedCall(request) is { } call)
        {
            yield return CompletionEvent.ToolCallPart(new ToolCallDelta(0, call.Id, call.Name, call.Arguments));
            yield return CompletionEvent.Finish("tool_calls");
            yield return CompletionEvent.UsageReport(new TokenUsage(PromptTokens(request.Messages, request.Tools, request.ResponseFormat), TokenCounter.Count(call.Name) + TokenCounter.Count(call.Arguments)));
            yield break;
        }

        var answer = CutAtStop(Answer(request.Messages), request.Stop);
        int limit = request.MaxTokens ?? int.MaxValue;
        var sent = new StringBuilder();
        int sentTokens = 0;
        string finish = "stop";
        foreach (var word in Words(answer))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Without a limit the count is taken once at the end; with one, each word is checked before it goes out.
            int tokens = limit == int.MaxValue ? 0 : TokenCounter.Count(sent.ToString() + word);
            if (tokens > limit)
            {
                finish = "length";
                break;
            }

            if (_delay > TimeSpan.Zero)
            {
                await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
            }

            sent.Append(word);
            sentTokens = tokens;
            yield return CompletionEvent.Delta(word);
        }

        if (limit == int.MaxValue)
        {
            sentTokens = TokenCounter.Count(sent.ToString());
        }

        yield return CompletionEvent.Finish(finish);
        yield return CompletionEvent.UsageReport(new TokenUsage(PromptTokens(request.Messages, request.Tools, request.ResponseFormat), sentTokens));
    }

    /// <summary>The text before the earliest of <paramref name="stop"/>, as OpenAI ends an answer at a stop sequence (which it does not return).</summary>
    public static string CutAtStop(string answer, IReadOnlyList<string>? stop)
    {
        ArgumentNullException.ThrowIfNull(answer);
        int end = answer.Length;
        foreach (var sequence in stop ?? [])
        {
            int at = sequence.Length == 0 ? -1 : answer.IndexOf(sequence, StringComparison.Ordinal);
            if (at >= 0 && at < end)
            {
                end = at;
            }
        }

        return answer[..end];
    }

    /// <summary>The answer in pieces: each word with the space before it.</summary>
    private static IEnumerable<string> Words(string text)
    {
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
