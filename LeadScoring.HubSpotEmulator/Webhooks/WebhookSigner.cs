using System.Security.Cryptography;
using System.Text;

namespace LeadScoring.HubSpotEmulator.Webhooks;

/// <summary>HubSpot's request signatures (developers.hubspot.com/docs/api/webhooks/validating-requests).</summary>
internal static class WebhookSigner
{
    /// <summary>v3: Base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)).</summary>
    public static string V3(string clientSecret, string method, string uri, string body, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(method + uri + body + timestamp)));

    /// <summary>v2: hex(SHA-256(clientSecret + method + uri + body)).</summary>
    public static string V2(string clientSecret, string method, string uri, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientSecret + method + uri + body)));
}
