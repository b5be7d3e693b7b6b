using System.Net;
using System.Text.Json;

namespace LeadScoring.Tests.Host;

/// <summary>Reads a 400 problem+json answer: asserts its status and media type, returns its errors by field.</summary>
internal static class ValidationProblems
{
    public static async Task<Dictionary<string, string[]>> ExpectAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
