using Crossroads.ModelRouting.Execution;
using Crossroads.ModelRouting.Privacy;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// Restoring a request's placeholders in its answer: the streaming restorer against a whole-text reference at every
/// split point, what it holds back (only a tail that can still become a placeholder), and the sink around tool calls.
/// </summary>
public sealed class PiiRestoreTests
{
    private static readonly Dictionary<string, string> Originals = new(StringComparer.Ordinal)
    {
        ["[EMAIL_1]"] = "jane@example.com",
        ["[EMAIL_2]"] = "bob@example.org",
        ["[CARD_1]"] = "4111 1111 1111 1111",
        ["[SSN_1]"] = "123-45-6789",
        ["[PHONE_12]"] = "+33 6 12 34 56 78",
    };

    private static readonly PiiPlaceholders Placeholders = new(Originals);

    private const string Answer = "Write to [EMAIL_1] and [EMAIL_2]; [EMAIL_7] is invented, [CARD_1][SSN_1] [[EMAIL_1]] [PHONE_1 [PHONE_12] [EMA [x] end [PHONE_1";

    /// <summary>The simplest correct answer: each produced placeholder replaced in the whole text (they cannot overlap).</summary>
    private static string Reference(string text) =>
        Originals.Aggregate(text, static (t, p) => t.Replace(p.Key, p.Value, StringComparison.Ordinal));

    [Fact]
    public void Whole_text_restore_matches_the_reference_and_leaves_invented_placeholders()
    {
        var restored = Placeholders.Restore(Answer);
        Assert.Equal(Reference(Answer), restored);
        Assert.Contains("[EMAIL_7]", restored, StringComparison.Ordinal);
        Assert.Contains("[PHONE_1 ", restored, StringComparison.Ordinal);
        Assert.StartsWith("Write to jane@example.com and bob@example.org;", restored, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_single_and_double_split_of_the_stream_gives_the_reference()
    {
        var expected = Reference(Answer);
        for (int i = 0; i <= Answer.Length; i++)
        {
            Assert.Equal(expected, Streamed(Answer[..i], Answer[i..]));
            for (int j = i; j <= Answer.Length; j++)
            {
                Assert.Equal(expected, Streamed(Answer[..i], Answer[i..j], Answer[j..]));
            }
        }
    }

    [Fact]
    public void One_character_per_piece_gives_the_reference()
    {
        Assert.Equal(Reference(Answer), Streamed([.. Answer.Select(static c => c.ToString())]));
    }

    [Theory]
    [InlineData("Hi [EM", "Hi ", "[EM")] // could still be [EMAIL_1]: held
    [InlineData("Hi [", "Hi ", "[")]
    [InlineData("Hi [PHONE_1", "Hi ", "[PHONE_1")] // could still be [PHONE_12]
    [InlineData("Hi [X", "Hi [X", "")] // no produced placeholder starts so: not delayed
    [InlineData("Hi [EMAIL_3", "Hi [EMAIL_3", "")]
    [InlineData("Hi [EMAIL_1", "Hi ", "[EMAIL_1")]
    [InlineData("[EMAIL_1] [", "jane@example.com ", "[")]
    [InlineData("a ] b", "a ] b", "")]
    public void Only_a_tail_that_can_still_become_a_placeholder_is_held(string piece, string emitted, string held)
    {
        var stream = new PlaceholderStream(Placeholders);
        Assert.Equal(emitted, stream.Push(piece));
        Assert.Equal(held.Length > 0, stream.Holding);
        Assert.Equal(held, stream.Flush());
        Assert.True(held.Length < Placeholders.Longest);
    }

    [Fact]
    public void A_piece_without_a_bracket_passes_as_the_same_instance()
    {
        var stream = new PlaceholderStream(Placeholders);
        var piece = "no placeholder here";
        Assert.Same(piece, stream.Push(piece));
    }

    [Fact]
    public void The_redactor_maps_its_placeholders_to_the_originals_and_never_prints_them()
    {
        var redaction = PiiRedactor.Default.Redact([new ChatMessage("user", "I am jane@example.com, card 4111111111111111, again jane@example.com.")]);
        Assert.Equal(2, redaction.Placeholders.Count);
        Assert.Equal("Mail jane@example.com, pay 4111111111111111, keep [EMAIL_2].", redaction.Placeholders.Restore("Mail [EMAIL_1], pay [CARD_1], keep [EMAIL_2]."));
        Assert.DoesNotContain("jane", redaction.Placeholders.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("jane", redaction.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, PiiRedactor.Default.Redact([new ChatMessage("user", "nothing here")]).Placeholders.Count);
    }

    [Fact]
    public async Task The_sink_restores_text_and_each_tool_calls_arguments_and_flushes_held_tails_before_the_end()
    {
        var inner = new RecordingSink();
        var sink = new PiiRestoringSink(inner, Placeholders);
        await sink.DeltaAsync("Mail [EMA", CancellationToken.None);
        await sink.DeltaAsync("IL_1] now [EM", CancellationToken.None);
        await sink.ToolCallAsync(new ToolCallDelta(0, "call_1", "send", "{\"to\":\"[EMA"), CancellationToken.None);
        await sink.ToolCallAsync(new ToolCallDelta(0, null, null, "IL_2]\",\"cc\":\"[EMAIL_1"), CancellationToken.None);
        await sink.ToolCallAsync(new ToolCallDelta(1, "call_2", "log", "[SSN_"), CancellationToken.None);
        await sink.FailAsync(new ProviderException(ProviderFailureKind.Timeout, "cut"), default, CancellationToken.None);

        Assert.Equal("Mail jane@example.com now [EM", inner.Text);
        Assert.Equal("{\"to\":\"bob@example.org\",\"cc\":\"[EMAIL_1", inner.Arguments(0));
        Assert.Equal("[SSN_", inner.Arguments(1));
        Assert.Equal(["call_1", "call_2"], inner.Calls.Where(static c => c.Id is not null).Select(static c => c.Id!));
        Assert.True(inner.Failed);
    }

    [Fact]
    public async Task Arguments_get_json_escaped_originals()
    {
        var inner = new RecordingSink();
        var sink = new PiiRestoringSink(inner, new PiiPlaceholders(new Dictionary<string, string> { ["[SECRET_1]"] = "a\"b\\c" }));
        await sink.ToolCallAsync(new ToolCallDelta(0, "c", "f", "{\"k\":\"[SECRET_1]\"}"), CancellationToken.None);
        await sink.DeltaAsync("[SECRET_1]", CancellationToken.None);
        await sink.CompleteAsync("stop", default, CancellationToken.None);
        Assert.Equal("{\"k\":\"a\\\"b\\\\c\"}", inner.Arguments(0));
        Assert.Equal("a\"b\\c", inner.Text);
    }

    private const string Rewritten = "To [Email 1], [email-2] and [EMAIL 2]; not [E MAIL_1], [EMAIL__1], [EMAIL1], (EMAIL_1), [card_1][Ssn-1] [phone 1 [Phone 12] [Ema";

    /// <summary>
    /// The variants a model writes when it echoes a placeholder (case, a space or hyphen for the underscore), by a
    /// pattern independent of the scanner: a bracketed label and number with one separator, upper-cased and looked up.
    /// </summary>
    private static string VariantReference(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\[([A-Za-z]+)[ _-]([0-9]+)\]", static m =>
            Originals.TryGetValue($"[{m.Groups[1].Value.ToUpperInvariant()}_{m.Groups[2].Value}]", out var original) ? original : m.Value);

    [Fact]
    public void Placeholders_a_model_rewrote_in_case_or_separator_are_restored_and_nothing_else()
    {
        var expected = VariantReference(Rewritten);
        Assert.StartsWith("To jane@example.com, bob@example.org and bob@example.org; not [E MAIL_1], [EMAIL__1], [EMAIL1], (EMAIL_1), 4111 1111 1111 1111123-45-6789 [phone 1 +33 6 12 34 56 78 [Ema", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Placeholders.Restore(Rewritten));
        for (int i = 0; i <= Rewritten.Length; i++)
        {
            Assert.Equal(expected, Streamed(Rewritten[..i], Rewritten[i..]));
        }

        Assert.Equal(expected, Streamed([.. Rewritten.Select(static c => c.ToString())]));
    }

    [Fact]
    public void A_variant_tail_is_held_like_the_exact_spelling()
    {
        var stream = new PlaceholderStream(Placeholders);
        Assert.Equal("Hi ", stream.Push("Hi [email 1"));
        Assert.Equal("jane@example.com!", stream.Push("]!"));
        Assert.Equal("Hi [e-mail", new PlaceholderStream(Placeholders).Push("Hi [e-mail"));
    }

    [Fact]
    public void Placeholders_that_fold_alike_are_restored_only_as_spelt()
    {
        var placeholders = new PiiPlaceholders(new Dictionary<string, string> { ["[Key_1]"] = "a", ["[KEY_1]"] = "b" });
        Assert.Equal("a b [key 1]", placeholders.Restore("[Key_1] [KEY_1] [key 1]"));
    }

    [Fact]
    public async Task Reasoning_is_restored_in_its_own_stream_while_thinking_blocks_pass_verbatim()
    {
        var inner = new RecordingSink();
        var sink = new PiiRestoringSink(inner, Placeholders);
        var block = ThinkingBlock.Thinking("Mail [EMAIL_1] now.", "sig");

        await sink.ReasoningAsync("Mail [EMA", CancellationToken.None);
        Assert.Equal("Mail ", inner.Reasoning);
        await sink.ReasoningAsync("IL_1] now.", CancellationToken.None);
        await sink.ReasoningAsync(" Or [EMAIL", CancellationToken.None);
        await sink.ThinkingBlockAsync(block, CancellationToken.None);
        await sink.DeltaAsync("Done: [EMAIL_2]", CancellationToken.None);
        await sink.CompleteAsync("stop", default, CancellationToken.None);

        // The held tail went out before the block that ends it; the block is the upstream's, placeholders and all.
        Assert.Equal("Mail jane@example.com now. Or [EMAIL", inner.Reasoning);
        Assert.Same(block, Assert.Single(inner.Blocks));
        Assert.Equal("Done: bob@example.org", inner.Text);
    }

    private static string Streamed(params string[] pieces)
    {
        var stream = new PlaceholderStream(Placeholders);
        var output = string.Concat(pieces.Select(stream.Push));
        return output + stream.Flush();
    }

    // "[EMAIL_1] [SSN_1] end": [EMAIL_1] (0..9) becomes 16 characters (0..16), [SSN_1] (10..17) becomes "12" (17..19).
    [Theory]
    [InlineData(0, false, 0)]
    [InlineData(9, true, 16)] // the end of [EMAIL_1]: the end of its value
    [InlineData(9, false, 16)]
    [InlineData(3, false, 0)] // inside a placeholder, as a start: its value's start
    [InlineData(3, true, 16)] // inside, as an end: its value's end
    [InlineData(10, false, 17)]
    [InlineData(12, false, 17)]
    [InlineData(12, true, 19)]
    [InlineData(17, false, 19)]
    [InlineData(21, true, 23)] // the end of the text
    public void Offsets_map_through_the_replacements_made(int upstream, bool end, int restored)
    {
        var offsets = new RestoredOffsets();
        var stream = new PlaceholderStream(new PiiPlaceholders(new Dictionary<string, string>(StringComparer.Ordinal) { ["[EMAIL_1]"] = "jane@example.com", ["[SSN_1]"] = "12" }), offsets);

        string text = stream.Push("[EMAIL_1] [SS") + stream.Push("N_1] end") + stream.Flush();

        Assert.Equal("jane@example.com 12 end", text);
        Assert.Equal(21, offsets.Consumed);
        Assert.Equal(restored, offsets.Map(upstream, end));
    }

    [Fact]
    public void Offsets_count_code_points_so_a_surrogate_pair_is_one_character()
    {
        var offsets = new RestoredOffsets();
        var stream = new PlaceholderStream(new PiiPlaceholders(new Dictionary<string, string>(StringComparer.Ordinal) { ["[EMAIL_1]"] = "\U0001F600@example.com" }), offsets);

        _ = stream.Push("\U0001F600 [EMAIL_1] x") + stream.Flush();

        // 'x' is at 12 upstream ("😀 " is 2 code points, [EMAIL_1] 9, " " 1); the value is 13 code points (14 UTF-16 units).
        Assert.Equal(2 + 13 + 1, offsets.Map(12, false));
    }

    [Fact]
    public async Task The_sink_maps_annotation_offsets_at_once_when_their_text_went_out_and_at_the_end_otherwise()
    {
        const string Cite = """[{"type":"url_citation","url_citation":{"start_index":START,"end_index":END,"url":"https://example.test/","title":"T"}}]""";
        static string Citation(int start, int end) => Cite.Replace("START", start.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("END", end.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var inner = new RecordingSink();
        var sink = new PiiRestoringSink(inner, Placeholders);

        await sink.DeltaAsync("Write to [EMAIL_1] or [EMA", CancellationToken.None);
        await sink.AnnotationsAsync(Citation(9, 18), CancellationToken.None); // [EMAIL_1], out already
        Assert.Single(inner.Annotations);
        await sink.AnnotationsAsync(Citation(22, 31), CancellationToken.None); // [EMAIL_2], held as "[EMA"
        Assert.Single(inner.Annotations);
        await sink.DeltaAsync("IL_2].", CancellationToken.None);
        await sink.CompleteAsync("stop", default, CancellationToken.None);

        Assert.Equal("Write to jane@example.com or bob@example.org.", inner.Text);
        Assert.Equal(2, inner.Annotations.Count);
        Assert.Equal("jane@example.com", Cited(inner.Text, inner.Annotations[0]));
        Assert.Equal("bob@example.org", Cited(inner.Text, inner.Annotations[1]));
    }

    private static string Cited(string text, string annotations)
    {
        using var document = System.Text.Json.JsonDocument.Parse(annotations);
        var citation = document.RootElement[0].GetProperty("url_citation");
        return text[citation.GetProperty("start_index").GetInt32()..citation.GetProperty("end_index").GetInt32()];
    }

    private sealed class RecordingSink : ICompletionSink
    {
        private readonly System.Text.StringBuilder _text = new();

        private readonly System.Text.StringBuilder _reasoning = new();

        public List<ToolCallDelta> Calls { get; } = [];

        public List<string> Annotations { get; } = [];

        public ValueTask AnnotationsAsync(string annotations, CancellationToken cancellationToken)
        {
            Annotations.Add(annotations);
            return ValueTask.CompletedTask;
        }

        public List<ThinkingBlock> Blocks { get; } = [];

        public string Reasoning => _reasoning.ToString();

        public ValueTask ReasoningAsync(string text, CancellationToken cancellationToken)
        {
            _reasoning.Append(text);
            return ValueTask.CompletedTask;
        }

        public ValueTask ThinkingBlockAsync(ThinkingBlock block, CancellationToken cancellationToken)
        {
            Blocks.Add(block);
            return ValueTask.CompletedTask;
        }

        public string Text => _text.ToString();

        public bool Failed { get; private set; }

        public string Arguments(int index) => string.Concat(Calls.Where(c => c.Index == index).Select(static c => c.Arguments));

        public ValueTask StartAsync(RouteStart start, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
        {
            _text.Append(text);
            return ValueTask.CompletedTask;
        }

        public ValueTask ToolCallAsync(ToolCallDelta delta, CancellationToken cancellationToken)
        {
            Calls.Add(delta);
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(string finishReason, TokenUsage usage, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask FailAsync(ProviderException error, TokenUsage usage, CancellationToken cancellationToken)
        {
            Failed = true;
            return ValueTask.CompletedTask;
        }

        public bool TryRetract() => false;
    }
}
