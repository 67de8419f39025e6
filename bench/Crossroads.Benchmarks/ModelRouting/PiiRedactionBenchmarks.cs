using System.Text;
using BenchmarkDotNet.Attributes;
using Crossroads.ModelRouting.Privacy;

namespace Crossroads.Benchmarks.ModelRouting;

/// <summary>
/// What finding PII costs as a prompt holds more values (a pasted log of addresses, a contact list): the time per
/// value must stay flat from 1,000 to 40,000 values. The check that keeps detectors' values apart compared each new
/// value with every kept one (quadratic: 19 s of CPU at 40,000 addresses) until it switched to a map of covered
/// characters past 64 values.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
[MemoryDiagnoser]
public class PiiRedactionBenchmarks
{
    private static readonly PiiRedactor Redactor = PiiRedactor.For(PiiKinds.All);
    private string _text = null!;

    /// <summary>How many values the prompt holds (half IPv4 addresses, half phone numbers).</summary>
    [Params(1_000, 10_000, 40_000)]
    public int Values { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Values / 2; i++)
        {
            text.Append("host 10.").Append((i >> 8) & 255).Append('.').Append(i & 255).Append(".7 called +33 6 12 34 ").Append((i / 100) % 90 + 10).Append(' ').Append((i % 90) + 10).Append(". ");
        }

        _text = text.ToString();
        if (Redactor.Find(_text).Count != Values)
        {
            throw new InvalidOperationException($"the prompt should hold {Values} values, the redactor finds {Redactor.Find(_text).Count}");
        }
    }

    [Benchmark]
    public int Find() => Redactor.Find(_text).Count;
}
