using LeadScoring.Core.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeadScoring.Tests.AI;

/// <summary>The analyst's settings: defaults, parsing, validation naming the setting, and the DI switch on the endpoint.</summary>
[TestFixture]
public sealed class AnalystOptionsTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static AnalystOptions Read(Dictionary<string, string?> values) => AnalystOptions.Read(Configuration(values));

    [Test]
    public void Read_NothingSet_IsOffWithDocumentedDefaults()
    {
        var options = Read([]);

        Assert.That(AnalystOptionsValidator.Check(options), Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Enabled, Is.False);
            Assert.That(options.Endpoint, Is.Null);
            Assert.That(options.ApiKey, Is.Null);
            Assert.That(options.ChatDeployment, Is.EqualTo("gpt-4o-mini"));
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.MinConfidence, Is.EqualTo(0.7));
        }
    }

    [Test]
    public void Read_AllSettingsGiven_ParsesEach()
    {
        var options = Read(new()
        {
            ["AZURE_OPENAI_ENDPOINT"] = "https://leads.openai.azure.com/",
            ["AZURE_OPENAI_API_KEY"] = "key-123",
            ["AZURE_OPENAI_CHAT_DEPLOYMENT"] = "gpt-4o",
            ["LEAD_SCORE_ANALYST_TIMEOUT"] = "2.5s",
            ["LEAD_SCORE_MIN_CONFIDENCE"] = "0.85",
        });

        Assert.That(AnalystOptionsValidator.Check(options), Is.Empty);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Enabled, Is.True);
            Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://leads.openai.azure.com/")));
            Assert.That(options.ApiKey, Is.EqualTo("key-123"));
            Assert.That(options.ChatDeployment, Is.EqualTo("gpt-4o"));
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
            Assert.That(options.MinConfidence, Is.EqualTo(0.85));
        }
    }

    [Test]
    public void Check_LoopbackHttpEndpoint_IsAllowed() =>
        Assert.That(AnalystOptionsValidator.Check(Read(new() { ["AZURE_OPENAI_ENDPOINT"] = "http://127.0.0.1:5099" })), Is.Empty);

    [TestCase("AZURE_OPENAI_ENDPOINT", "leads.openai.azure.com", "AZURE_OPENAI_ENDPOINT", "absolute http(s) URL")]
    [TestCase("AZURE_OPENAI_ENDPOINT", "ftp://leads.openai.azure.com", "AZURE_OPENAI_ENDPOINT", "absolute http(s) URL")]
    [TestCase("AZURE_OPENAI_ENDPOINT", "http://leads.openai.azure.com", "AZURE_OPENAI_ENDPOINT", "must use https unless")]
    [TestCase("AZURE_OPENAI_API_KEY", "key with spaces", "AZURE_OPENAI_API_KEY", "must not contain spaces")]
    [TestCase("AZURE_OPENAI_CHAT_DEPLOYMENT", "gpt 4o/mini", "AZURE_OPENAI_CHAT_DEPLOYMENT", "letters, digits")]
    [TestCase("LEAD_SCORE_ANALYST_TIMEOUT", "soon", "LEAD_SCORE_ANALYST_TIMEOUT", "must be a duration")]
    [TestCase("LEAD_SCORE_ANALYST_TIMEOUT", "10", "LEAD_SCORE_ANALYST_TIMEOUT", "must be a duration")]
    [TestCase("LEAD_SCORE_ANALYST_TIMEOUT", "0s", "LEAD_SCORE_ANALYST_TIMEOUT", "more than 0")]
    [TestCase("LEAD_SCORE_ANALYST_TIMEOUT", "5m", "LEAD_SCORE_ANALYST_TIMEOUT", "at most 2 minutes")]
    [TestCase("LEAD_SCORE_MIN_CONFIDENCE", "high", "LEAD_SCORE_MIN_CONFIDENCE", "must be a number between 0 and 1")]
    [TestCase("LEAD_SCORE_MIN_CONFIDENCE", "1.5", "LEAD_SCORE_MIN_CONFIDENCE", "between 0 and 1 (got 1.5)")]
    public void Check_BadSetting_NamesTheSetting(string name, string value, string field, string message)
    {
        var values = new Dictionary<string, string?> { ["AZURE_OPENAI_ENDPOINT"] = "https://leads.openai.azure.com/", [name] = value };

        var errors = AnalystOptionsValidator.Check(Read(values));

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Field, Is.EqualTo(field));
        Assert.That(errors[0].ToString(), Does.StartWith(field + ": ").And.Contain(message));
    }

    [Test]
    public void Check_EndpointWithoutDeployment_NamesTheDeploymentSetting()
    {
        var options = new AnalystOptions { Endpoint = new Uri("https://leads.openai.azure.com/"), ChatDeployment = " " };

        var errors = AnalystOptionsValidator.Check(options);

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "AZURE_OPENAI_CHAT_DEPLOYMENT" }));
        Assert.That(errors[0].Message, Does.Contain("required when AZURE_OPENAI_ENDPOINT is set"));
    }

    [Test]
    public void Check_ErrorMessages_NeverContainTheKey()
    {
        var errors = AnalystOptionsValidator.Check(Read(new() { ["AZURE_OPENAI_ENDPOINT"] = "https://x.openai.azure.com/", ["AZURE_OPENAI_API_KEY"] = "secret value" }));

        Assert.That(errors.Select(e => e.ToString()), Has.None.Contain("secret"));
    }

    [Test]
    public void AddLeadAnalyst_NoEndpoint_RegistersTheDisabledAnalyst()
    {
        using var provider = Provider([]);

        Assert.That(provider.GetRequiredService<ILeadAnalyst>(), Is.InstanceOf<DisabledLeadAnalyst>());
    }

    [Test]
    public void AddLeadAnalyst_EndpointAndKey_RegistersTheAzureOpenAIAnalyst()
    {
        using var provider = Provider(new() { ["AZURE_OPENAI_ENDPOINT"] = "http://127.0.0.1:9/", ["AZURE_OPENAI_API_KEY"] = "k" });

        Assert.That(provider.GetRequiredService<ILeadAnalyst>(), Is.InstanceOf<LeadAnalyst>());
    }

    [Test]
    public void CreateChatClient_NoKey_UsesEntraIdWithoutCallingAnything()
    {
        var options = new AnalystOptions { Endpoint = new Uri("https://leads.openai.azure.com/") };

        // DefaultAzureCredential only acts on the first request; building the client must not.
        Assert.That(AnalystServiceCollectionExtensions.CreateChatClient(options).GetService<ChatClientMetadata>()?.DefaultModelId, Is.EqualTo("gpt-4o-mini"));
    }

    [Test]
    public void Read_NoKeyWithAzureClientId_UsesThatUserAssignedIdentity()
    {
        var options = AnalystOptions.Read(Configuration(new() { ["AZURE_OPENAI_ENDPOINT"] = "https://leads.openai.azure.com/", ["AZURE_CLIENT_ID"] = "8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.ApiKey, Is.Null);
            Assert.That(options.ClientId, Is.EqualTo("8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11"));
            Assert.That(AnalystServiceCollectionExtensions.CreateAzureClient(options), Is.Not.Null);
        }
    }

    [Test]
    public void AddLeadAnalyst_InvalidSettings_FailsNamingTheSetting()
    {
        using var provider = Provider(new() { ["AZURE_OPENAI_ENDPOINT"] = "http://leads.openai.azure.com", ["LEAD_SCORE_ANALYST_TIMEOUT"] = "soon" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ILeadAnalyst>())!;
        Assert.That(error.Failures, Has.Some.StartWith("AZURE_OPENAI_ENDPOINT:").And.Some.StartWith("LEAD_SCORE_ANALYST_TIMEOUT:"));
    }

    private static ServiceProvider Provider(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(values));
        services.AddLeadAnalyst();
        return services.BuildServiceProvider();
    }
}
