using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.AI;

/// <summary>A chat completions request as the stand-in received it.</summary>
internal sealed record ChatRequest(string Path, string Query, string? ApiKey, JsonNode Body)
{
    /// <summary>The content of the first message with this role.</summary>
    public string Message(string role) =>
        Body["messages"]!.AsArray().First(m => (string?)m!["role"] == role)!["content"] switch
        {
            JsonValue text => (string)text!,
            JsonArray parts => string.Concat(parts.Select(p => (string?)p!["text"])),
            var other => other?.ToJsonString() ?? "",
        };
}

/// <summary>
/// A local Azure OpenAI on 127.0.0.1 (any free port): answers <c>POST /openai/deployments/{d}/chat/completions</c>
/// in the service's REST shape with whatever the test set, and records every request. Nothing leaves the machine.
/// </summary>
internal sealed class AzureOpenAIStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Func<HttpContext, Task> _answer;

    private AzureOpenAIStandIn(WebApplication app)
    {
        _app = app;
        _answer = context => WriteCompletionAsync(context, "{}");
    }

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<ChatRequest> Requests { get; } = new();

    /// <summary>Embedding requests (path, api-key, body); each input gets a vector [length of the text, 1, 0, 0].</summary>
    public ConcurrentQueue<ChatRequest> EmbeddingRequests { get; } = new();

    public static async Task<AzureOpenAIStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new AzureOpenAIStandIn(app);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync(context.RequestAborted))!;
            standIn.Requests.Enqueue(new ChatRequest(context.Request.Path, context.Request.QueryString.Value ?? "", context.Request.Headers["api-key"], body));
            await Volatile.Read(ref standIn._answer)(context);
        });
        app.MapPost("/openai/deployments/{deployment}/embeddings", async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync(context.RequestAborted))!;
            standIn.EmbeddingRequests.Enqueue(new ChatRequest(context.Request.Path, context.Request.QueryString.Value ?? "", context.Request.Headers["api-key"], body));
            var inputs = body["input"] is JsonArray many ? many.Select(i => (string)i!).ToList() : [(string)body["input"]!];
            var data = new JsonArray([.. inputs.Select((text, i) => (JsonNode)new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = new JsonArray(text.Length, 1, 0, 0),
            })]);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["object"] = "list",
                ["data"] = data,
                ["model"] = (string?)context.Request.RouteValues["deployment"],
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["total_tokens"] = 1 },
            }.ToJsonString(), context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Endpoint = new Uri(address.TrimEnd('/') + "/");
        return standIn;
    }

    /// <summary>Answers 200 with a chat completion whose message content is <paramref name="content"/>.</summary>
    public void AnswerWith(string content) => Volatile.Write(ref _answer, context => WriteCompletionAsync(context, content));

    /// <summary>Answers 200 with this assessment serialised as the message content.</summary>
    public void AnswerWith(object assessment) => AnswerWith(JsonSerializer.Serialize(assessment));

    /// <summary>Answers with this status and Azure's error body.</summary>
    public void FailWith(int status) => Volatile.Write(ref _answer, async context =>
    {
        context.Response.StatusCode = status;
        if (status == 429)
        {
            context.Response.Headers["retry-after"] = "1";
        }

        context.Response.ContentType = "application/json";
        var error = new JsonObject { ["error"] = new JsonObject { ["code"] = status.ToString(CultureInfo.InvariantCulture), ["message"] = $"stand-in error {status}" } };
        await context.Response.WriteAsync(error.ToJsonString());
    });

    /// <summary>Waits this long (or until the client gives up) before answering with <paramref name="content"/>.</summary>
    public void AnswerAfter(TimeSpan delay, string content) => Volatile.Write(ref _answer, async context =>
    {
        try
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await WriteCompletionAsync(context, content);
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static Task WriteCompletionAsync(HttpContext context, string content)
    {
        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-standin",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = "gpt-4o-mini-2024-07-18",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 500, ["completion_tokens"] = 60, ["total_tokens"] = 560 },
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(completion.ToJsonString());
    }
}
