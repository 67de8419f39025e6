using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>One streaming chat completion read as a client does: the time to the first content chunk and whether the stream ended with <c>[DONE]</c>.</summary>
internal static partial class ChatStreamProbe
{
    /// <summary>The benchmark model's streaming request (same body for the router and the fake upstream).</summary>
    public static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"model":"fake-model","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"What does a router do?"}]}""");

    /// <summary>The non-streaming request of the wrk script (bench/load/model-router-chat.lua).</summary>
    public static readonly byte[] WholeBody = Encoding.UTF8.GetBytes(
        """{"model":"fake-model","max_tokens":32,"messages":[{"role":"user","content":"What does a router do?"}]}""");

    /// <summary>What one stream did.</summary>
    /// <param name="FirstContentSeconds">From sending the request to reading the first chunk with non-empty content (NaN when none came).</param>
    /// <param name="Done">The stream ended with <c>data: [DONE]</c> (a whole answer).</param>
    /// <param name="Error">The status or exception when it failed, else null.</param>
    /// <param name="UpstreamSeconds">
    /// From the request reaching the upstream's handler to its first word going out, when the upstream stamped them in
    /// that word (bench/load/FakeLlm <c>--StampFirstToken</c>), else NaN: the upstream's own wait, which
    /// <see cref="FirstContentSeconds"/> minus it leaves out.
    /// </param>
    public readonly record struct Outcome(double FirstContentSeconds, bool Done, string? Error, double UpstreamSeconds = double.NaN)
    {
        /// <summary>The time to first content spent outside the upstream's handler (the hops, and the router's work when it is in between).</summary>
        public double PathSeconds => FirstContentSeconds - UpstreamSeconds;
    }

    /// <summary>Sends one streaming request to <paramref name="url"/> and reads it to the end.</summary>
    /// <param name="http">The client (see <see cref="NewClient"/>).</param>
    /// <param name="url">The chat completions endpoint.</param>
    /// <param name="onFirstContent">Called once when the first content arrives (e.g. to count streams that are open and flowing).</param>
    /// <param name="cancellationToken">Abandons the stream.</param>
    public static async Task<Outcome> RunAsync(HttpClient http, Uri url, Action? onFirstContent, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        double first = double.NaN;
        double upstream = double.NaN;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body) };
            request.Content.Headers.ContentType = new("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new(first, false, "HTTP " + (int)response.StatusCode);
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line == "data: [DONE]")
                {
                    return new(first, true, null, upstream);
                }

                // The role chunk carries "content":"" (OpenAI's first delta): text starts at the first non-empty content.
                if (double.IsNaN(first) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
                {
                    first = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    upstream = UpstreamStamp(line);
                    onFirstContent?.Invoke();
                }
            }

            return new(first, false, "ended without [DONE]");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new(first, false, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>The seconds between the two timestamps of FakeLlm's <c>@RECEIVED-SENT</c> stamp in <paramref name="line"/>, or NaN.</summary>
    internal static double UpstreamStamp(string line)
    {
        var match = StampPattern().Match(line);
        return match.Success
            ? (long.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture) - long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)) / (double)Stopwatch.Frequency
            : double.NaN;
    }

    [GeneratedRegex("@([0-9]+)-([0-9]+)\"")]
    private static partial Regex StampPattern();

    /// <summary>Sends one non-streaming request and reads the whole answer; <see cref="Outcome.FirstContentSeconds"/> is the time to its end.</summary>
    /// <param name="http">The client (see <see cref="NewClient"/>).</param>
    /// <param name="url">The chat completions endpoint.</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    public static async Task<Outcome> RunWholeAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(WholeBody) };
            request.Content.Headers.ContentType = new("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (!response.IsSuccessStatusCode)
            {
                return new(double.NaN, false, "HTTP " + (int)response.StatusCode);
            }

            return body.AsSpan().IndexOf("\"chat.completion\""u8) >= 0 ? new(seconds, true, null) : new(double.NaN, false, "not a chat.completion");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new(double.NaN, false, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>A client with no connection cap (the benchmark opens as many as it asks for) and no timeout.</summary>
    public static HttpClient NewClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
