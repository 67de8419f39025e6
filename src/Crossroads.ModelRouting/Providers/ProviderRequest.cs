namespace Crossroads.ModelRouting.Providers;

/// <summary>What an adapter sends upstream: the messages and sampling settings; the model name is the adapter's call.</summary>
public sealed record ProviderRequest
{
    /// <summary>The conversation.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>Most output tokens; null leaves it to the upstream.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Sampling temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling.</summary>
    public double? TopP { get; init; }

    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Seed for upstreams that support it.</summary>
    public long? Seed { get; init; }

    /// <summary>End-user id passed upstream (OpenAI's <c>user</c>).</summary>
    public string? User { get; init; }
}
