using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class CommandLineTests
{
    [Test]
    public void Parse_NoArguments_UsesDocumentedDefaults()
    {
        var options = EmulatorArguments.Parse([], out var error, out _)!;

        Assert.That(error, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(options.Urls, Is.EqualTo("http://127.0.0.1:7080"));
            Assert.That(options.Seed, Is.EqualTo(42));
            Assert.That(options.Contacts, Is.EqualTo(500));
            Assert.That(options.AccessToken, Is.EqualTo("local-emulator-token"));
            Assert.That(options.ClientSecret, Is.EqualTo("local-emulator-secret"));
            Assert.That(options.ClientId, Is.EqualTo("local-emulator-client"));
            Assert.That(options.RefreshToken, Is.EqualTo("local-emulator-refresh-token"));
            Assert.That(options.PortalId, Is.EqualTo(1000001));
            Assert.That(options.RateLimit, Is.EqualTo(100));
            Assert.That(options.FaultRate, Is.Zero);
            Assert.That(options.WebhookRetryScale, Is.EqualTo(1));
            Assert.That(options.WorkflowId, Is.EqualTo(5001));
            Assert.That(options.WebhookUrl, Is.Null);
        });
    }

    [Test]
    public void Parse_EveryFlag_SetsTheOption()
    {
        var options = EmulatorArguments.Parse(
            ["--urls", "http://127.0.0.1:9000", "--seed", "7", "--contacts=20", "--access-token", "t", "--webhook-url", "http://localhost:5000/hook",
             "--client-secret", "s", "--client-id", "c", "--refresh-token", "r", "--portal-id", "123", "--rate-limit", "10", "--fault-rate", "0.1",
             "--webhook-retry-scale", "0.001", "--workflow-id", "77"],
            out var error, out _)!;

        Assert.That(error, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(options.Seed, Is.EqualTo(7));
            Assert.That(options.Contacts, Is.EqualTo(20));
            Assert.That(options.WebhookUrl!.OriginalString, Is.EqualTo("http://localhost:5000/hook"));
            Assert.That(options.FaultRate, Is.EqualTo(0.1));
            Assert.That(options.WebhookRetryScale, Is.EqualTo(0.001));
            Assert.That(options.WorkflowId, Is.EqualTo(77));
            Assert.That(options.PortalId, Is.EqualTo(123));
        });
    }

    [TestCase(new[] { "--seed", "abc" }, "--seed")]
    [TestCase(new[] { "--fault-rate", "1.5" }, "--fault-rate")]
    [TestCase(new[] { "--rate-limit", "0" }, "--rate-limit")]
    [TestCase(new[] { "--webhook-url", "not a url" }, "--webhook-url")]
    [TestCase(new[] { "--contacts" }, "--contacts")]
    [TestCase(new[] { "--colour", "red" }, "--colour")]
    [TestCase(new[] { "--urls", "localhost" }, "--urls")]
    public void Parse_BadArgument_ReturnsOneLineNamingTheFlag(string[] args, string flag)
    {
        var options = EmulatorArguments.Parse(args, out var error, out _);

        Assert.That(options, Is.Null);
        Assert.That(error, Does.Contain(flag).And.Not.Contain('\n'));
    }

    [Test]
    public async Task Main_BadArgument_ExitsWith2()
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            var code = await EmulatorProgram.Main(["--seed", "abc"]);

            Assert.That(code, Is.EqualTo(2));
            Assert.That(captured.ToString(), Does.Contain("--seed"));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Test]
    public void WebhookSigner_V2_MatchesHubSpotDocumentedExample()
    {
        var signature = LeadScoring.HubSpotEmulator.Webhooks.WebhookSigner.V2("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "GET", "https://www.example.com/webhook_uri", "");

        Assert.That(signature, Is.EqualTo("eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"));
    }
}
