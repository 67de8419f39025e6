using System.Text;
using OpenAI.Chat;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>What an OpenAI SDK user gathers from a streamed chat: the text, the usage, the finish reason and the model.</summary>
internal sealed record StreamedAnswer(string Text, ChatTokenUsage? Usage, ChatFinishReason? Finish, string? Model)
{
    public static async Task<StreamedAnswer> ReadAsync(IAsyncEnumerable<StreamingChatCompletionUpdate> updates)
    {
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        string? model = null;
        await foreach (var update in updates)
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
            model ??= update.Model;
        }

        return new StreamedAnswer(text.ToString(), usage, finish, model);
    }
}
