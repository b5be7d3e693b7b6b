using Azure.Identity;
using LeadScoring.Core;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Tests.Storage;

/// <summary>AzureWebJobsStorage as Azure Functions reads it: identity-based settings or a connection string. No network.</summary>
[TestFixture]
public sealed class StorageConnectionTests
{
    private const string ClientId = "8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11";

    [Test]
    public void LeadScoringStorage_AccountNameWithManagedIdentity_PointsAtTheAccountWithATokenCredential()
    {
        var connection = Read(("AzureWebJobsStorage__accountName", "leadscoringprod"), ("AzureWebJobsStorage__credential", "managedidentity"), ("AzureWebJobsStorage__clientId", ClientId));

        var storage = new LeadScoringStorage(connection, new StorageNames());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.Validate(), Is.Empty);
            Assert.That(connection.IsIdentityBased, Is.True);
            Assert.That(storage.QueueService.Uri, Is.EqualTo(new Uri("https://leadscoringprod.queue.core.windows.net/")));
            Assert.That(storage.TableService.Uri, Is.EqualTo(new Uri("https://leadscoringprod.table.core.windows.net/")));
            Assert.That(storage.QueueService.AccountName, Is.EqualTo("leadscoringprod"));
            Assert.That(storage.TableService.AccountName, Is.EqualTo("leadscoringprod"));
            Assert.That(storage.Queue("score-requests").Uri, Is.EqualTo(new Uri("https://leadscoringprod.queue.core.windows.net/score-requests")));
            Assert.That(connection.BlobServiceUri, Is.EqualTo(new Uri("https://leadscoringprod.blob.core.windows.net/")));
            Assert.That(connection.CreateCredential(), Is.InstanceOf<ManagedIdentityCredential>());
        }
    }

    [Test]
    public void Read_AccountNameWithoutCredential_UsesDefaultAzureCredential()
    {
        var connection = Read(("AzureWebJobsStorage__accountName", "leadscoringdev"));

        Assert.That(connection.CreateCredential(), Is.InstanceOf<DefaultAzureCredential>());
    }

    [Test]
    public void LeadScoringStorage_ExplicitServiceUris_WinOverTheAccountName()
    {
        var connection = Read(
            ("AzureWebJobsStorage__accountName", "ignoredaccount"),
            ("AzureWebJobsStorage__queueServiceUri", "https://queues.example.net/"),
            ("AzureWebJobsStorage__tableServiceUri", "https://tables.example.net/"),
            ("AzureWebJobsStorage__blobServiceUri", "https://blobs.example.net/"));

        var storage = new LeadScoringStorage(connection, new StorageNames());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(storage.QueueService.Uri, Is.EqualTo(new Uri("https://queues.example.net/")));
            Assert.That(storage.TableService.Uri, Is.EqualTo(new Uri("https://tables.example.net/")));
            Assert.That(connection.BlobServiceUri, Is.EqualTo(new Uri("https://blobs.example.net/")));
        }
    }

    [Test]
    public void LeadScoringStorage_ConnectionString_IsUnchangedAndWinsOverIdentitySettings()
    {
        var connection = Read(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage__accountName", "leadscoringprod"), ("AzureWebJobsStorage__credential", "bogus"));

        var storage = new LeadScoringStorage(connection, new StorageNames());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.Validate(), Is.Empty);
            Assert.That(connection.IsIdentityBased, Is.False);
            Assert.That(storage.QueueService.Uri, Is.EqualTo(new LeadScoringStorage("UseDevelopmentStorage=true", new StorageNames()).QueueService.Uri));
            Assert.That(storage.QueueService.Uri.ToString(), Does.StartWith("http://127.0.0.1:10001/devstoreaccount1"));
            Assert.That(storage.TableService.AccountName, Is.EqualTo("devstoreaccount1"));
        }
    }

    [TestCase("AzureWebJobsStorage__queueServiceUri", "queue.core.windows.net", "absolute https URL")]
    [TestCase("AzureWebJobsStorage__tableServiceUri", "http://leadscoringprod.table.core.windows.net", "absolute https URL")]
    [TestCase("AzureWebJobsStorage__blobServiceUri", "https://", "absolute https URL")]
    [TestCase("AzureWebJobsStorage__queueServiceUri", "http://127.0.0.1:10001/devstoreaccount1", "absolute https URL")]
    [TestCase("AzureWebJobsStorage__credential", "clientsecret", "must be 'managedidentity'")]
    [TestCase("AzureWebJobsStorage__clientId", "leadscoring-identity", "a GUID")]
    [TestCase("AzureWebJobsStorage__accountName", "LeadScoring_Prod", "3–24 lowercase letters and digits")]
    public void Validate_BadIdentitySetting_NamesTheSetting(string name, string value, string expected)
    {
        var connection = name == "AzureWebJobsStorage__accountName" ? Read((name, value)) : Read(("AzureWebJobsStorage__accountName", "leadscoringprod"), (name, value));

        var errors = connection.Validate();

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { name }));
        Assert.That(errors.Single().Message, Does.Contain(expected).And.Contain(value));
        Assert.That(() => new LeadScoringStorage(connection, new StorageNames()), Throws.InstanceOf<InputValidationException>().With.Message.Contains(name));
    }

    [TestCase("AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri")]
    [TestCase("AzureWebJobsStorage__tableServiceUri", "AzureWebJobsStorage__queueServiceUri")]
    public void Validate_OneServiceUriWithoutAccountName_NamesTheMissingOne(string given, string missing)
    {
        var connection = Read((given, "https://leadscoringprod.example.net/"));

        Assert.That(connection.Validate().Select(e => e.Field), Is.EqualTo(new[] { missing }));
    }

    [Test]
    public void Validate_OnlyACredential_AsksForTheConnection()
    {
        var connection = Read(("AzureWebJobsStorage__credential", "managedidentity"));

        Assert.That(connection.Validate().Select(e => e.Field), Is.EqualTo(new[] { "AzureWebJobsStorage" }));
    }

    [Test]
    public void Settings_IdentityBasedStorage_IsReadFromTheDoubleUnderscoreNames()
    {
        var settings = new LeadScoringSettings();
        settings.ReadFrom(Configuration(
            ("AzureWebJobsStorage__accountName", "leadscoringprod"), ("AzureWebJobsStorage__credential", "ManagedIdentity"), ("AzureWebJobsStorage__clientId", ClientId),
            ("HUBSPOT_ACCESS_TOKEN", "pat-na1-0000"), ("LEAD_SCORE_API_KEYS", "Admin=admin-key-0123456789")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
            Assert.That(settings.Storage.UseManagedIdentity, Is.True);
            Assert.That(settings.Storage.ClientId, Is.EqualTo(ClientId));
            Assert.That(settings.StorageConnectionString, Is.Null);
        }
    }

    private static StorageConnection Read(params (string Name, string Value)[] values) => StorageConnection.Read(Configuration(values));

    // Environment variables A__B arrive in configuration as A:B.
    private static IConfiguration Configuration(params (string Name, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name.Replace("__", ":", StringComparison.Ordinal), v.Value))).Build();
}
