using LeadScoring.LocalHost;

namespace LeadScoring.Tests.Host;

/// <summary>local.settings.json and host.json are read as Azure Functions reads them, and bad files are named.</summary>
[TestFixture]
public sealed class FunctionsConfigurationTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("leadscoring-config-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ReadLocalSettings_Values_BecomeFlatSettingsWithDoubleUnderscoreAsSection()
    {
        var path = Write("local.settings.json", """
            { "IsEncrypted": false, "Host": { "LocalHttpPort": 7123 },
              "Values": { "HUBSPOT_ACCESS_TOKEN": "abc", "AzureWebJobsStorage__accountName": "acct" },
              "ConnectionStrings": { "Extra": "x=1" } }
            """);

        var (values, port) = FunctionsConfiguration.ReadLocalSettings(path);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(values["HUBSPOT_ACCESS_TOKEN"], Is.EqualTo("abc"));
            Assert.That(values["AzureWebJobsStorage:accountName"], Is.EqualTo("acct"));
            Assert.That(values["ConnectionStrings:Extra"], Is.EqualTo("x=1"));
            Assert.That(port, Is.EqualTo(7123));
        }
    }

    [Test]
    public void ReadLocalSettings_NoFile_IsEmpty()
    {
        var (values, port) = FunctionsConfiguration.ReadLocalSettings(Path.Combine(_dir, "local.settings.json"));

        Assert.That(values, Is.Empty);
        Assert.That(port, Is.Null);
    }

    [TestCase("""{ "IsEncrypted": true, "Values": {} }""", "IsEncrypted")]
    [TestCase("""{ "Values": { "LEAD_SCORE_MIN_CONFIDENCE": 0.7 } }""", "Values.LEAD_SCORE_MIN_CONFIDENCE must be a string")]
    [TestCase("""{ "Values": [] }""", "Values must be an object")]
    [TestCase("""{ "Host": { "LocalHttpPort": 70000 } }""", "Host.LocalHttpPort")]
    [TestCase("""{ "Values": { "A": "b" }""", "not valid JSON")]
    [TestCase("""[1, 2]""", "must be a JSON object")]
    public void ReadLocalSettings_BadFile_ThrowsNamingFileAndField(string json, string expected)
    {
        var path = Write("local.settings.json", json);

        var ex = Assert.Throws<InvalidDataException>(() => FunctionsConfiguration.ReadLocalSettings(path));

        Assert.That(ex!.Message, Does.StartWith(path).And.Contain(expected));
    }

    [Test]
    public void ReadHostJson_RepositoryHostJson_ExposesQueuesAndLogLevels()
    {
        var values = FunctionsConfiguration.ReadHostJson(Path.Combine(AppContext.BaseDirectory, "host.json"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(values["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"], Is.EqualTo("5"));
            Assert.That(values["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"], Is.EqualTo("00:00:30"));
            Assert.That(values["Logging:LogLevel:Default"], Is.EqualTo("Information"));
        }
    }

    [TestCase("""{ "version": "1.0" }""", "version must be \"2.0\"")]
    [TestCase("""{ "version": "2.0", """, "not valid JSON")]
    public void ReadHostJson_BadFile_ThrowsNamingFile(string json, string expected)
    {
        var path = Write("host.json", json);

        var ex = Assert.Throws<InvalidDataException>(() => FunctionsConfiguration.ReadHostJson(path));

        Assert.That(ex!.Message, Does.StartWith(path).And.Contain(expected));
    }

    [Test]
    public async Task Host_LocalSettingsFile_SuppliesSettingsAndTestOverridesWin()
    {
        const string Local = """{ "Values": { "HUBSPOT_ACCESS_TOKEN": "from-local-settings", "LEAD_SCORE_MIN_CONFIDENCE": "0.5" } }""";

        await using var host = await TestHost.Configure().Without("HUBSPOT_ACCESS_TOKEN").With("LEAD_SCORE_MIN_CONFIDENCE", "0.9").WithLocalSettings(Local).StartAsync();

        var options = (Microsoft.Extensions.Options.IOptions<LeadScoring.Core.Settings.LeadScoringSettings>)host.Services
            .GetService(typeof(Microsoft.Extensions.Options.IOptions<LeadScoring.Core.Settings.LeadScoringSettings>))!;
        Assert.That(options.Value.HubSpotAccessToken, Is.EqualTo("from-local-settings"));
        Assert.That(options.Value.MinConfidence, Is.EqualTo(0.9));
    }

    [Test]
    public void Host_MissingSetting_FailsToStartNamingIt()
    {
        var host = TestHost.Configure().Without("LEAD_SCORE_API_KEYS");

        var ex = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Failures, Has.Some.StartsWith("LEAD_SCORE_API_KEYS: is required"));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
