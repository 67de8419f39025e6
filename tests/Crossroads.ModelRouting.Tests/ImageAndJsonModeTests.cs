using System.Text.Json;
using Crossroads.ModelRouting.Privacy;
using Crossroads.ModelRouting.Providers;
using Crossroads.ModelRouting.Tokens;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Images in the prompt estimate, under PII redaction and in the Anthropic body; the Anthropic JSON-mode emulation's body and stream.</summary>
public sealed class ImageAndJsonModeTests
{
    private static readonly ImagePart Inline = new("data:image/png;base64,iVBORw0KGgo=", "high", """{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}}""");

    private static readonly ImagePart Web = new("https://images.example.test/a.jpg", null, """{"type":"image_url","image_url":{"url":"https://images.example.test/a.jpg"}}""");

    private static ChatMessage WithImages(string before, string after, params ImagePart[] images)
    {
        List<ContentPart> parts = [ContentPart.OfText(before), .. images.Select(ContentPart.OfImage), ContentPart.OfText(after)];
        return new ChatMessage("user", ContentPart.JoinedText(parts), Parts: parts);
    }

    [Fact]
    public void The_demo_counts_each_image_as_gpt_4o_bills_it_and_the_text_count_leaves_images_out()
    {
        var text = new ChatMessage("user", "Describe these.");
        int without = DemoModelProvider.PromptTokens([text]);
        var small = Inline with { Detail = "low" };

        Assert.Equal(without, DemoModelProvider.PromptTokens([WithImages("Describe ", "these.")]));
        Assert.Equal(without + 85, DemoModelProvider.PromptTokens([WithImages("Describe ", "these.", small)]));
        Assert.Equal(without + 1445, DemoModelProvider.PromptTokens([WithImages("Describe ", "these.", Web)])); // size unknown: the largest
        Assert.Equal(without + 85 + 1445, DemoModelProvider.PromptTokens([WithImages("Describe ", "these.", small, Web)]));
        Assert.Equal(without, DemoModelProvider.TextPromptTokens([WithImages("Describe ", "these.", small, Web)]));
    }

    [Fact]
    public void A_json_response_format_adds_its_schema_to_the_prompt_tokens_and_text_adds_nothing()
    {
        List<ChatMessage> messages = [new ChatMessage("user", "json")];
        const string schema = """{"type":"json_schema","json_schema":{"name":"report","schema":{"type":"object","properties":{"city":{"type":"string"}}}}}""";

        int without = DemoModelProvider.PromptTokens(messages);

        Assert.Equal(without, DemoModelProvider.PromptTokens(messages, null, new ResponseFormat("text", """{"type":"text"}""")));
        Assert.Equal(without + TokenCounter.Count(schema), DemoModelProvider.PromptTokens(messages, null, new ResponseFormat("json_schema", schema)));
    }

    [Fact]
    public void Redaction_reads_text_parts_only_and_rebuilds_the_joined_text()
    {
        var message = WithImages("Mail ann@example.com about ", " and bob@example.com.", Inline);

        var redacted = Assert.Single(PiiRedactor.Default.Redact([message]).Messages);

        Assert.Equal("Mail [EMAIL_1] about  and [EMAIL_2].", redacted.Content);
        Assert.Equal(["Mail [EMAIL_1] about ", null, " and [EMAIL_2]."], redacted.Parts!.Select(static p => p.Text));
        Assert.Same(Inline, redacted.Parts![1].Image);
    }

    [Fact]
    public void The_anthropic_body_gives_a_text_only_turn_a_string_and_an_image_turn_blocks_in_order()
    {
        var provider = new AnthropicProvider("a", new HttpClient(), new Uri("https://api.example.test"), null, 100);
        var request = new ProviderRequest { Messages = [new ChatMessage("user", "first"), WithImages("look", string.Empty, Inline, Web), new ChatMessage("assistant", "ok")] };

        using var body = JsonDocument.Parse(provider.RequestBody("m", request));
        var turn = body.RootElement.GetProperty("messages")[0];

        Assert.Equal(2, body.RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal(
            """[{"type":"text","text":"first"},{"type":"text","text":"look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"image","source":{"type":"url","url":"https://images.example.test/a.jpg"}}]""",
            turn.GetProperty("content").GetRawText());
    }

    [Fact]
    public void An_openai_body_sends_image_parts_as_the_client_wrote_them()
    {
        var request = new ProviderRequest { Messages = [WithImages("look", "!", Web)] };

        using var body = JsonDocument.Parse(OpenAiCompatibleProvider.RequestBody("m", request));

        Assert.Equal(
            $$"""[{"type":"text","text":"look"},{{Web.Json}},{"type":"text","text":"!"}]""",
            body.RootElement.GetProperty("messages")[0].GetProperty("content").GetRawText());
    }

    [Fact]
    public void In_json_mode_the_anthropic_stream_gives_the_forced_calls_input_as_text_drops_other_text_and_finishes_stop()
    {
        var provider = new AnthropicProvider("a", new HttpClient(), new Uri("https://api.example.test"), null, 100);
        var state = new AnthropicProvider.StreamState { JsonTool = "report" };
        var events = new List<CompletionEvent>();
        string[] stream =
        [
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Sure"}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" thing."}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"report","input":{}}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"ok\":"}}""",
            """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"true}"}}""",
            """{"type":"content_block_stop","index":1}""",
            """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}""",
            """{"type":"message_stop"}""",
        ];
        foreach (var data in stream)
        {
            provider.ParseEvent(new SseEvent(null, data), state, events);
        }

        Assert.Equal([CompletionEvent.Delta("{\"ok\":"), CompletionEvent.Delta("true}"), CompletionEvent.Finish("stop")], events);
    }

    [Theory]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n"}}""", null)]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"n","schema":{"properties":{}}}}""", "response_format.json_schema.schema")]
    [InlineData("""{"type":"json_object"}""", null)]
    public void The_json_mode_refuses_a_schema_root_that_is_not_an_object_and_opens_a_missing_one(string format, string? refusedParam)
    {
        var provider = new AnthropicProvider("a", new HttpClient(), new Uri("https://api.example.test"), null, 100);
        var request = new ProviderRequest { Messages = [new ChatMessage("user", "json")], ResponseFormat = new ResponseFormat(JsonDocument.Parse(format).RootElement.GetProperty("type").GetString()!, format) };

        if (refusedParam is not null)
        {
            var e = Assert.Throws<ProviderException>(() => provider.RequestBody("m", request));
            Assert.Equal(400, e.StatusCode);
            Assert.Equal(refusedParam, e.Param);
            return;
        }

        using var body = JsonDocument.Parse(provider.RequestBody("m", request));
        Assert.Equal(AnthropicJsonMode.OpenObjectSchema, body.RootElement.GetProperty("tools")[0].GetProperty("input_schema").GetRawText());
    }
}
