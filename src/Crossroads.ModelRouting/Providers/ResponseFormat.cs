namespace Crossroads.ModelRouting.Providers;

/// <summary>
/// OpenAI's <c>response_format</c>: its <paramref name="Type"/> (<c>text</c>, <c>json_object</c>, <c>json_schema</c>)
/// and the client's JSON value, sent unchanged to OpenAI-compatible upstreams and emulated for Anthropic ones
/// (<see cref="AnthropicJsonMode"/>).
/// </summary>
public sealed record ResponseFormat(string Type, string Json);
