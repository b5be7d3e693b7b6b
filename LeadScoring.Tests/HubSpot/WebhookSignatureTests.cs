using System.Text;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Tests.HubSpot;

/// <summary>Webhook signatures, checked against HubSpot's documented examples where the docs give them.</summary>
[TestFixture]
public sealed class WebhookSignatureTests
{
    // From HubSpot's "v1 request validation" and "v2 request validation" pages.
    private const string DocsSecret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string DocsBody = """[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""";

    private const string Secret = "local-emulator-secret";
    private const string Uri = "https://leads.example.com/api/hubspot/webhooks?code=a%3Ab";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""[{"eventId":7,"objectId":51,"subscriptionType":"contact.propertyChange"}]""");

    [Test]
    public void ValidateV1_HubSpotDocumentedExample_IsValid()
    {
        var result = HubSpotWebhookSignature.ValidateV1(Encoding.UTF8.GetBytes(DocsBody), "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", DocsSecret);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Valid));
    }

    [Test]
    public void ValidateV2_HubSpotDocumentedGetExample_IsValid()
    {
        var result = HubSpotWebhookSignature.ValidateV2("GET", "https://www.example.com/webhook_uri", [], "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e", DocsSecret);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Valid));
    }

    [Test]
    public void ValidateV2_UppercaseHexSignature_IsValid()
    {
        var result = HubSpotWebhookSignature.ValidateV2("GET", "https://www.example.com/webhook_uri", [], "EEE2DDDCC73C94D699F5E395F4B9D454A069A6855FBFA152E91E88823087200E", DocsSecret);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Valid));
    }

    [Test]
    public void ValidateV2_DocumentedExampleWithOtherUri_IsMismatch()
    {
        var result = HubSpotWebhookSignature.ValidateV2("GET", "https://www.example.com/webhook_uri?x=1", [], "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e", DocsSecret);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Mismatch));
    }

    [Test]
    public void ValidateV3_FreshCorrectSignature_IsValid()
    {
        var timestamp = Now.AddSeconds(-30).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", Uri, Body, timestamp, Secret);

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Valid));
    }

    [Test]
    public void ValidateV3_SignatureOverDecodedUri_MatchesHubSpotsDecodingRule()
    {
        // HubSpot signs the URI with %3A decoded to ':' (and only the listed escapes).
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", "https://leads.example.com/api/hubspot/webhooks?code=a:b", Body, timestamp, Secret);

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Valid));
    }

    [Test]
    public void ValidateV3_AlteredBody_IsMismatch()
    {
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", Uri, Body, timestamp, Secret);
        var altered = Encoding.UTF8.GetBytes("""[{"eventId":7,"objectId":52,"subscriptionType":"contact.propertyChange"}]""");

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, altered, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Mismatch));
    }

    [Test]
    public void ValidateV3_WrongSecret_IsMismatch()
    {
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", Uri, Body, timestamp, "another-apps-secret");

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Mismatch));
    }

    [Test]
    public void ValidateV3_TimestampChangedAfterSigning_IsMismatch()
    {
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", Uri, Body, timestamp, Secret);
        var later = Now.AddSeconds(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, later, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.Mismatch));
    }

    [TestCase(-301)]
    [TestCase(-3600)]
    [TestCase(301)]
    public void ValidateV3_TimestampOutsideFiveMinutes_IsStale(int offsetSeconds)
    {
        var timestamp = Now.AddSeconds(offsetSeconds).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", Uri, Body, timestamp, Secret);

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.StaleTimestamp));
    }

    [Test]
    public void ValidateV3_TimestampJustInsideFiveMinutes_IsValid()
    {
        var timestamp = Now.AddSeconds(-299).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = HmacV3("POST", Uri, Body, timestamp, Secret);

        Assert.That(HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now), Is.EqualTo(WebhookSignatureResult.Valid));
    }

    [TestCase(null, "1764000000000")]
    [TestCase("abc=", null)]
    [TestCase("", "")]
    public void ValidateV3_MissingHeaders_IsMissingHeaders(string? signature, string? timestamp)
    {
        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.MissingHeaders));
    }

    [Test]
    public void ValidateV3_NonNumericTimestamp_IsStale()
    {
        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, "abc=", "yesterday", Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.StaleTimestamp));
    }

    // Defect #14: a timestamp past year 9999 threw ArgumentOutOfRangeException out of ValidateV3 (a 500 with a stack trace).
    [TestCase("99999999999999999")]
    [TestCase("9223372036854775807")]
    [TestCase("253402300800000")]
    [TestCase("0")]
    public void ValidateV3_TimestampOutsideTheCalendar_IsStaleNotAnException(string timestamp)
    {
        var signature = HmacV3("POST", Uri, Body, timestamp, Secret);

        var result = HubSpotWebhookSignature.ValidateV3("POST", Uri, Body, signature, timestamp, Secret, Now);

        Assert.That(result, Is.EqualTo(WebhookSignatureResult.StaleTimestamp));
    }

    [Test]
    public void SignV3_RoundTripsThroughValidateV3()
    {
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var signature = HubSpotWebhookSignature.SignV3("POST", Uri, Body, timestamp, Secret);

        Assert.That(signature, Is.EqualTo(HmacV3("POST", "https://leads.example.com/api/hubspot/webhooks?code=a:b", Body, timestamp, Secret)));
    }

    // Written from HubSpot's v3 description independently of the production code.
    private static string HmacV3(string method, string uri, byte[] body, string timestamp, string secret)
    {
        var source = method + uri.Replace("%3A", ":", StringComparison.Ordinal) + Encoding.UTF8.GetString(body) + timestamp;
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(source)));
    }
}
