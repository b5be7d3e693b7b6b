using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadScoring.Tests.Emulator;

/// <summary>Requests to an <see cref="EmulatorServer"/>'s API (static token unless another is given), read to the end as a <see cref="Reply"/>.</summary>
internal static class EmulatorReplies
{
    public static Task<Reply> GetAsync(this EmulatorServer emulator, string path) => emulator.SendAsync(HttpMethod.Get, path);

    public static Task<Reply> PostAsync(this EmulatorServer emulator, string path, string json) => emulator.SendAsync(HttpMethod.Post, path, json);

    public static async Task<Reply> SendAsync(this EmulatorServer emulator, HttpMethod method, string path, string? json = null, string? token = null)
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

        using var response = await emulator.Client.SendAsync(request);
        return await Reply.ReadAsync(response);
    }

    /// <summary>The first search hit's id for a filter, e.g. a contact with deals.</summary>
    public static async Task<string> FindIdAsync(this EmulatorServer emulator, string objectType, string filtersJson)
    {
        var reply = await emulator.PostAsync($"/crm/v3/objects/{objectType}/search", $$"""{"filterGroups":[{"filters":{{filtersJson}}}],"limit":1}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK), reply.Text);
        return reply.Json!["results"]![0]!["id"]!.GetValue<string>();
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
