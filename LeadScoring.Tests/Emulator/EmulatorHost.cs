using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;
using Microsoft.AspNetCore.Builder;

namespace LeadScoring.Tests.Emulator;

/// <summary>The HubSpot emulator in-process on a free loopback port, with a client that sends the static token. Dispose to stop it.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    public const string AnyPort = "http://127.0.0.1:0";

    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, EmulatorOptions options)
    {
        _app = app;
        Options = options;
        Address = EmulatorApp.Address(app);
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
    }

    public EmulatorOptions Options { get; }

    public Uri Address { get; }

    /// <summary>Sends <c>Authorization: Bearer</c> with the static token; admin endpoints ignore it.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts an emulator; <paramref name="options"/> must listen on <see cref="AnyPort"/>.</summary>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions { Urls = AnyPort };
        return new EmulatorHost(await EmulatorApp.StartAsync(options), options);
    }

    public Task<Reply> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<Reply> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public async Task<Reply> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Client.SendAsync(request);
        return await Reply.ReadAsync(response);
    }

    /// <summary>The first search hit's id for a filter, e.g. a contact with deals.</summary>
    public async Task<string> FindIdAsync(string objectType, string filtersJson)
    {
        var reply = await PostAsync($"/crm/v3/objects/{objectType}/search", $$"""{"filterGroups":[{"filters":{{filtersJson}}}],"limit":1}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        return reply.Json!["results"]![0]!["id"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A response read to the end: status, headers, text and JSON (null when the body is not JSON).</summary>
internal sealed record Reply(HttpStatusCode Status, HttpResponseHeaders Headers, string Text, JsonNode? Json)
{
    public static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            json = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return new Reply(response.StatusCode, response.Headers, text, json);
    }

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
