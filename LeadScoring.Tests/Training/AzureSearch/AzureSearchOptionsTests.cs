using LeadScoring.Core;
using LeadScoring.Core.Training.AzureSearch;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Tests.Training.AzureSearch;

[TestFixture]
public sealed class AzureSearchOptionsTests
{
    [Test]
    public void ReadFrom_FlatSettings_FillsEveryOption()
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", " https://leads.search.windows.net "), ("AZURE_SEARCH_API_KEY", "admin-key"), ("AZURE_SEARCH_INDEX", "training-v2")), 1536);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://leads.search.windows.net")));
            Assert.That(options.ApiKey, Is.EqualTo("admin-key"));
            Assert.That(options.IndexName, Is.EqualTo("training-v2"));
            Assert.That(options.Dimensions, Is.EqualTo(1536));
            Assert.That(options.IsConfigured, Is.True);
            Assert.That(options.Validate(), Is.Empty);
            Assert.That(AzureSearchOptions.AllNames, Is.EquivalentTo(new[] { "AZURE_SEARCH_ENDPOINT", "AZURE_SEARCH_API_KEY", "AZURE_SEARCH_INDEX" }));
        }
    }

    [Test]
    public void ReadFrom_NoIndexName_UsesTheDefault()
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", "https://leads.search.windows.net"), ("AZURE_SEARCH_API_KEY", "k")), 64);

        Assert.That(options.IndexName, Is.EqualTo("leadscoring-training"));
    }

    [Test]
    public void ReadFrom_Nothing_IsNotConfiguredAndNamesTheRequiredSettings()
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(), 64);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.IsConfigured, Is.False);
            Assert.That(options.Validate().Select(e => e.Field), Is.EqualTo(new[] { "AZURE_SEARCH_ENDPOINT" }));
        }
    }

    [TestCase("not a url", "AZURE_SEARCH_ENDPOINT")]
    [TestCase("ftp://leads.search.windows.net", "AZURE_SEARCH_ENDPOINT")]
    [TestCase("http://leads.search.windows.net", "AZURE_SEARCH_ENDPOINT")]
    public void Validate_BadEndpoint_NamesTheSetting(string endpoint, string field)
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", endpoint), ("AZURE_SEARCH_API_KEY", "k")), 64);

        var errors = options.Validate();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.IsConfigured, Is.True);
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
            Assert.That(errors.Single().Message, Does.Contain(endpoint));
        }
    }

    [TestCase("Training")]
    [TestCase("-training")]
    [TestCase("training-")]
    [TestCase("lead--training")]
    [TestCase("lead_training")]
    public void Validate_BadIndexName_NamesTheSetting(string name)
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", "https://x.search.windows.net"), ("AZURE_SEARCH_API_KEY", "k"), ("AZURE_SEARCH_INDEX", name)), 64);

        Assert.That(options.Validate().Select(e => e.ToString()), Is.EqualTo(new[] { $"AZURE_SEARCH_INDEX: must be 1–128 lower-case letters, digits and single dashes, starting and ending with a letter or digit (got '{name}')" }));
    }

    [TestCase(0)]
    [TestCase(3073)]
    public void Validate_BadDimensions_IsReported(int dimensions)
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", "https://x.search.windows.net"), ("AZURE_SEARCH_API_KEY", "k")), dimensions);

        Assert.That(options.Validate().Select(e => e.Field), Is.EqualTo(new[] { "Dimensions" }));
    }

    [Test]
    public void CreateIndexClient_Invalid_ThrowsListingEveryProblem()
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_INDEX", "Bad")), 64);

        var ex = Assert.Throws<InputValidationException>(() => options.CreateIndexClient());

        Assert.That(ex!.Errors.Select(e => e.Field), Is.EquivalentTo(new[] { "AZURE_SEARCH_ENDPOINT", "AZURE_SEARCH_INDEX" }));
    }

    [Test]
    public void CreateIndexClient_NoKey_UsesMicrosoftEntraId()
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", "https://leads.search.windows.net"), ("AZURE_CLIENT_ID", "8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11")), 64);

        var client = options.CreateIndexClient();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Validate(), Is.Empty);
            Assert.That(options.ClientId, Is.EqualTo("8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11"));
            Assert.That(client.Endpoint, Is.EqualTo(new Uri("https://leads.search.windows.net")));
        }
    }

    [Test]
    public void Create_Valid_BuildsTheIndexAdapter()
    {
        var options = AzureSearchOptions.ReadFrom(Configuration(("AZURE_SEARCH_ENDPOINT", "https://x.search.windows.net"), ("AZURE_SEARCH_API_KEY", "k")), 64);

        using var index = AzureSearchVectorIndex.Create(options, "model-v1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(index.IndexName, Is.EqualTo("leadscoring-training"));
            Assert.That(index.Dimensions, Is.EqualTo(64));
            Assert.That(index.CurrentEmbedderVersion, Is.EqualTo("model-v1"));
        }
    }

    private static IConfiguration Configuration(params (string Name, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build();
}
