using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crossroads.Server.Tests.ApiDocs;

/// <summary>
/// An answer whose media type depends on the request (chat completions: JSON, or an event stream with stream:true) is
/// one documented status listing both; the generic example test sends one body, so the streamed variant is sent here.
/// </summary>
public sealed class StreamingAnswerDocumentTests(ApiDocumentFixture fixture) : IClassFixture<ApiDocumentFixture>
{
    [Fact]
    public void Chat_completions_documents_both_media_types_of_its_200()
    {
        var ok = Operation("/v1/chat/completions", "post").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal(["application/json", "text/event-stream"], ok.EnumerateObject().Select(static m => m.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_chat_example_with_stream_true_is_answered_as_a_documented_event_stream()
    {
        var operation = Operation("/v1/chat/completions", "post");
        var body = JsonNode.Parse(operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example").GetRawText())!.AsObject();
        body["stream"] = true;
        body["stream_options"] = new JsonObject { ["include_usage"] = true };

        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await fixture.Server.Client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
        string text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode == 200, text);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
    }

    private JsonElement Operation(string path, string method) =>
        fixture.Document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
}
