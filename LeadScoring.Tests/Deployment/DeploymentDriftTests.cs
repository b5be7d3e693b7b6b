using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadScoring.Core.AI;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Training.AzureSearch;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Tests.Deployment;

/// <summary>
/// The compiled ARM JSON checked against the code, so the templates cannot drift from what the host reads: the function
/// app's settings (its <c>appsettings</c> resource) against <see cref="KnownSettings"/>, the secrets against the vault,
/// the roles against what each resource needs.
/// </summary>
[TestFixture]
public sealed partial class DeploymentDriftTests
{
    private const string AppModule = CompiledTemplates.SettingsModule;

    /// <summary>Settings the host knows that the template deliberately does not set, each with the reason.</summary>
    private static readonly Dictionary<string, string> NotDeployed = new(HubSpotTuning())
    {
        ["AzureWebJobsStorage"] = "identity-based connection (AzureWebJobsStorage__*) instead; the account allows no shared keys",
        ["AZURE_SEARCH_API_KEY"] = "Microsoft Entra ID with the app identity; the service's keys are disabled",
        ["AZURE_OPENAI_API_KEY"] = "Microsoft Entra ID with the app identity; the account's keys are disabled",
        ["HUBSPOT_BASE_URL"] = "the default, https://api.hubapi.com",
        ["LEAD_SCORE_UPDATE_SCHEDULE"] = "LEAD_SCORE_UPDATE_INTERVAL is deployed; a cron schedule is an operator's override",
        ["LEAD_SCORE_MODEL_VERSION"] = "pinning a model version is an operator's override",
        ["LEAD_SCORE_PROFILE_PATH"] = "the built-in scoring profile; a custom one is a file deployed with the package, then this setting",
        ["LEAD_SCORE_STORAGE_PREFIX"] = "one storage account per deployment, so no prefix",
        ["LEAD_SCORE_OUTCOME_WINDOW"] = "the default 90 days fits a typical B2B sales cycle; a customer with longer cycles sets it",
        ["LEAD_SCORE_TRAINING_RECORD_WEIGHT"] = "the documented default 0.5",
        ["LEAD_SCORE_MIN_OUTCOMES"] = "the documented default (200) guards against training on noise",
        ["LEAD_SCORE_MIN_POSITIVES"] = "the documented default (40) guards against training on noise",
        ["LEAD_SCORE_WEIGHT_BAND"] = "the documented default ±0.10 around the profile's weights",
        ["LEAD_SCORE_ALERT_WEBHOOK_URL"] = "a Teams/Slack incoming-webhook URL is a credential: added as a Key Vault reference once the channel exists (README, Deploy to Azure)",
        ["LEAD_SCORE_ALERT_ERROR_RATE"] = "the documented default",
        ["LEAD_SCORE_ALERT_WINDOW"] = "the documented default",
        ["LEAD_SCORE_ALERT_QUIET_PERIOD"] = "the documented default",
        ["LEAD_SCORE_HEALTH_MAX_BACKLOG"] = "the documented default, 1,000 queued score requests",
        ["LEAD_SCORE_HEALTH_MAX_P95"] = "the documented default, 5 seconds",
        ["LEAD_SCORE_ENTRA_TENANT_ID"] = "the Entra app registration is created outside the template (it needs Microsoft Graph rights a deployment rarely has); set with LEAD_SCORE_ENTRA_CLIENT_ID afterwards",
        ["LEAD_SCORE_ENTRA_CLIENT_ID"] = "as LEAD_SCORE_ENTRA_TENANT_ID",
        ["LEAD_SCORE_ENTRA_INSTANCE"] = "the default, https://login.microsoftonline.com/",
        ["LEAD_SCORE_SESSION_LIFETIME"] = "the documented default, 12 hours",
        ["LEAD_SCORE_PUBLIC_URL"] = "a custom domain is added after deployment; without it redirects are relative and the sign-in Origin is compared with the request's host",
        ["LEAD_SCORE_AUTH_FAILURE_LIMIT"] = "the documented default, 10",
        ["LEAD_SCORE_AUTH_FAILURE_WINDOW"] = "the documented default, 1 minute",
        ["LEAD_SCORE_CLOSED_LIFECYCLE_STAGES"] = "the documented default, customer and evangelist",
        ["LEAD_SCORE_KEY_OWNERS"] = "it holds role keys, so it is a secret: added as a Key Vault reference with LEAD_SCORE_API_KEYS' keys once reps have owners (with Entra ID, the hubspot_owner_id claim instead)",
    };

    /// <summary>Per HubSpot authentication mode, the settings of the other mode.</summary>
    private static readonly Dictionary<string, string[]> OtherModeSettings = new()
    {
        ["privateApp"] = ["HUBSPOT_CLIENT_ID", "HUBSPOT_REFRESH_TOKEN"],
        ["oauth"] = ["HUBSPOT_ACCESS_TOKEN"],
    };

    /// <summary>Settings the app gets that are not the product's but the Functions platform's, each with the reason.</summary>
    internal static readonly Dictionary<string, string> Platform = new()
    {
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the Functions host sends its logs, traces and metrics to Application Insights",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "telemetry ingestion with the user-assigned identity (Entra ID), not the instrumentation key alone",
    };

    /// <summary>Values known only once deployed (other modules' outputs), as they would look.</summary>
    private static readonly Dictionary<string, string> RunTimeSamples = new()
    {
        ["AzureWebJobsStorage__accountName"] = "leadscoringq3x7",
        ["AzureWebJobsStorage__queueServiceUri"] = "https://leadscoringq3x7.queue.core.windows.net/",
        ["AzureWebJobsStorage__tableServiceUri"] = "https://leadscoringq3x7.table.core.windows.net/",
        ["AzureWebJobsStorage__blobServiceUri"] = "https://leadscoringq3x7.blob.core.windows.net/",
        ["AzureWebJobsStorage__clientId"] = "8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11",
        ["AZURE_CLIENT_ID"] = "8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11",
        ["AZURE_OPENAI_ENDPOINT"] = "https://leadscoring-openai-q3x7.openai.azure.com/",
        ["AZURE_OPENAI_CHAT_DEPLOYMENT"] = "gpt-4o-mini",
        ["AZURE_OPENAI_EMBEDDING_DEPLOYMENT"] = "text-embedding-3-small",
        ["AZURE_SEARCH_ENDPOINT"] = "https://leadscoring-search-q3x7.search.windows.net",
        ["HUBSPOT_WEBHOOK_URL"] = "https://leadscoring-q3x7.azurewebsites.net/api/hubspot/webhooks",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Authorization=AAD;ClientId=8c1f3a52-5b7e-4a0e-9d7a-2f0c6a3b9e11",
    };

    public static IEnumerable<string> Modes => OtherModeSettings.Keys;

    [TestCaseSource(nameof(Modes))]
    public async Task AppSettings_EverySettingTheHostKnows_IsDeployedOrExcludedWithAReason(string mode)
    {
        var names = (await SettingsAsync(mode)).Select(e => e.Key).ToList();
        var excluded = NotDeployed.Keys.Concat(OtherModeSettings[mode]).ToList();

        using (Assert.EnterMultipleScope())
        {
            // union() would let a mode's setting silently replace a common one.
            Assert.That(names, Is.Unique);
            Assert.That(KnownSettings.All.Except(names).Except(excluded), Is.Empty, "settings the host reads but the function app does not get: deploy them or list them in NotDeployed with the reason");
            Assert.That(names.Intersect(excluded), Is.Empty, "listed as not deployed, but deployed");
            Assert.That(excluded.Except(KnownSettings.All), Is.Empty, "NotDeployed lists a setting the host no longer reads");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task AppSettings_EverySetting_IsOneTheHostOrTheFunctionsPlatformReads(string mode)
    {
        var names = (await SettingsAsync(mode)).Select(e => e.Key).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.Where(name => !KnownSettings.IsKnown(name) && !Platform.ContainsKey(name)), Is.Empty);
            Assert.That(Platform.Keys.Where(KnownSettings.IsKnown), Is.Empty, "a platform setting that the product reads belongs in KnownSettings");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task AppSettings_AsDeployed_PassHostsStartUpValidation(string mode)
    {
        var compiled = await CompiledAsync();
        var overrides = mode == "oauth" ? new Dictionary<string, JsonNode?> { ["hubSpotClientId"] = "7d0c8c6e-1111-4a4a-9b9b-123456789abc" } : [];
        var values = new Dictionary<string, string?>();
        foreach (var (name, value) in await SettingsAsync(mode))
        {
            values[name.Replace("__", ":", StringComparison.Ordinal)] = Value(compiled, name, value, mode, overrides);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var settings = new LeadScoringSettings();
        settings.ReadFrom(configuration);
        var analyst = AnalystOptions.Read(configuration);
        var search = AzureSearchOptions.ReadFrom(configuration, 1536);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(LeadScoringSettingsValidator.Check(settings), Is.Empty);
            Assert.That(AnalystOptionsValidator.Check(analyst), Is.Empty);
            Assert.That(search.Validate(), Is.Empty);
            Assert.That(KnownSettings.Unknown(configuration), Is.Empty);
            Assert.That(settings.Storage.IsIdentityBased && settings.Storage.UseManagedIdentity, Is.True, "storage should use the managed identity");
            Assert.That(settings.Storage.ClientId, Is.EqualTo(RunTimeSamples["AzureWebJobsStorage__clientId"]), "storage should use the user-assigned identity");
            Assert.That(analyst.Enabled && analyst.ApiKey is null, Is.True, "the analyst should be on, with Entra ID");
            Assert.That(search.IsConfigured && search.ApiKey is null, Is.True, "Azure AI Search should be on, with Entra ID");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task AppSettings_EverySecretSetting_IsAKeyVaultReferenceToASecretTheVaultCreates(string mode)
    {
        var compiled = await CompiledAsync();
        var settings = await SettingsAsync(mode);
        var references = settings.Where(s => ((string?)s.Value ?? "").Contains("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase)).ToList();
        var created = compiled.VaultSecrets(mode);

        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in settings.Where(s => KnownSettings.Secrets.Contains(s.Key)))
            {
                var reference = KeyVaultReference().Match((string?)value ?? "");
                Assert.That(reference.Success, Is.True, $"{name} is not a Key Vault reference: {value}");
                if (reference.Success)
                {
                    var secretName = SecretNameOf(compiled, reference.Groups["secret"].Value, mode);
                    Assert.That(created, Does.Contain(secretName), $"{name} refers to secret '{secretName}', which the vault module does not create in {mode} mode");
                }
            }

            // The references are read from this deployment's vault (its versionless secret URIs) …
            Assert.That(compiled.OutputGivenTo(AppModule, "keyVaultUri", "keyvault"), Is.EqualTo("vaultUri"));
            Assert.That(references.Select(r => r.Key), Is.EquivalentTo(settings.Select(s => s.Key).Intersect(KnownSettings.Secrets)), "only secret settings are references");
            Assert.That(references, Has.Count.EqualTo(3));
            Assert.That(created, Has.Count.EqualTo(3), "every secret the vault holds in this mode is used");

            // … with the user-assigned identity, which holds Key Vault Secrets User on it (RoleAssignments test).
            var site = compiled.Site();
            Assert.That((string?)site["properties"]!["keyVaultReferenceIdentity"], Is.EqualTo("[parameters('identityId')]"), "without keyVaultReferenceIdentity the platform uses a system-assigned identity the app does not have");
            Assert.That((string?)site["identity"]!["type"], Is.EqualTo("UserAssigned"));
            Assert.That(site["identity"]!["userAssignedIdentities"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "[format('{0}', parameters('identityId'))]" }));
            Assert.That(compiled.OutputGivenTo(CompiledTemplates.SiteModule, "identityId", "identity"), Is.EqualTo("id"));
        }
    }

    [Test]
    public async Task Template_SecretParameters_AreSecureWithoutValuesAndNeverLeave()
    {
        var compiled = await CompiledAsync();
        var secure = compiled.Template["parameters"]!.AsObject().Where(p => (string?)p.Value!["type"] == "securestring").Select(p => p.Key).ToList();
        var bicepparam = await File.ReadAllTextAsync(Path.Combine(BicepCli.InfraFolder, "main.bicepparam"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secure, Is.EquivalentTo(new[] { "hubSpotAccessToken", "hubSpotRefreshToken", "hubSpotClientSecret", "apiKeys" }));
            foreach (var name in secure)
            {
                Assert.That((string?)compiled.Template["parameters"]![name]!["defaultValue"] ?? "", Is.Empty, $"{name} has a default value");
                Assert.That(CompiledTemplates.Text(compiled.Template["outputs"]), Does.Not.Contain($"parameters('{name}')"), $"{name} reaches an output");
                var line = SecureParamLine(bicepparam, name);
                Assert.That(line is null || line.Contains("readEnvironmentVariable(", StringComparison.Ordinal), Is.True, $"main.bicepparam gives {name} a literal value: {line}");
            }

            // The secrets go to Key Vault, whose module takes them as secure parameters too, and nowhere else.
            var vault = compiled.ModuleTemplate("keyvault");
            Assert.That(vault["parameters"]!.AsObject().Where(p => (string?)p.Value!["type"] == "securestring").Select(p => p.Key).ToList(), Has.Count.EqualTo(4));
            Assert.That(compiled.Modules().Where(m => (string?)m["name"] != "keyvault").Select(m => CompiledTemplates.Text(m["properties"]!["parameters"])),
                Has.None.Matches<string>(json => secure.Any(name => json.Contains($"parameters('{name}')", StringComparison.Ordinal))));
            foreach (var (_, value) in CompiledTemplates.FakeSecrets)
            {
                Assert.That(compiled.TemplateJson, Does.Not.Contain(value));
            }

            Assert.That(compiled.Parameters["hubSpotClientSecret"]?["value"]?.ToString(), Is.EqualTo(CompiledTemplates.FakeSecrets["HUBSPOT_CLIENT_SECRET"]), "main.bicepparam should read the secret from the environment");
        }
    }

    [Test]
    public async Task RoleAssignments_EachNeededRole_IsGrantedToTheIdentityOnItsResource()
    {
        var compiled = await CompiledAsync();
        var expected = new Dictionary<string, string[]>
        {
            // Queue Data Contributor, Table Data Contributor, Blob Data Owner: the Functions host, the queue trigger, the
            // product's tables, the Durable task hub, the deployment package.
            ["Microsoft.Storage/storageAccounts"] = [QueueDataContributor, TableDataContributor, BlobDataOwner],
            ["Microsoft.Search/searchServices"] = ["8ebe5a00-799e-43f5-93ac-243d3dce84a7", "7ca78c08-252a-4471-8644-bb5ff32d4ba0"],
            ["Microsoft.CognitiveServices/accounts"] = ["5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"],
            ["Microsoft.KeyVault/vaults"] = ["4633458b-17de-408a-b874-0445c86b69e6"],
            // Monitoring Metrics Publisher: APPLICATIONINSIGHTS_AUTHENTICATION_STRING's Entra ingestion.
            ["Microsoft.Insights/components"] = ["3913510d-42f4-4e42-8a64-420c390055eb"],
        };

        var granted = GrantedRoles(compiled);

        Assert.That(granted.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (type, roles) in expected)
        {
            Assert.That(granted[type], Is.EquivalentTo(roles), type);
        }
    }

    internal const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    internal const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    internal const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";

    /// <summary>Role definition ids granted per resource type, checking that each goes to the app identity.</summary>
    internal static Dictionary<string, HashSet<string>> GrantedRoles(CompiledTemplates compiled)
    {
        var granted = new Dictionary<string, HashSet<string>>();
        foreach (var module in compiled.Modules())
        {
            var template = module["properties"]!["template"]!.AsObject();
            foreach (var assignment in CompiledTemplates.Resources(template, "Microsoft.Authorization/roleAssignments"))
            {
                var scope = (string)assignment["scope"]!;
                var resourceType = ScopeType().Match(scope) is { Success: true } m ? m.Groups[1].Value : throw new AssertionException($"{module["name"]}: unexpected role assignment scope {scope}");
                Assert.That((string?)assignment["properties"]!["principalId"], Is.EqualTo("[parameters('principalId')]"));
                Assert.That(CompiledTemplates.IsModuleOutput(module["properties"]!["parameters"]!["principalId"]!["value"], "identity", "principalId"), Is.True, $"{module["name"]}: roles go to another principal");

                // The role ids are in the assignment, or in the module variables it refers to.
                var text = CompiledTemplates.Text(assignment);
                text += string.Concat(VariableReference().Matches(text).Select(v => CompiledTemplates.Text(template["variables"]![v.Groups[1].Value])));
                granted.TryAdd(resourceType, []);
                granted[resourceType].UnionWith(Guid().Matches(text).Select(g => g.Value));
            }
        }

        return granted;
    }

    internal static async Task<CompiledTemplates> CompiledAsync()
    {
        var compiled = await CompiledTemplates.GetAsync();
        Assert.That(compiled.Build.ExitCode, Is.Zero, $"infra/main.bicep does not compile: {compiled.Build}");
        return compiled;
    }

    internal static async Task<IReadOnlyList<KeyValuePair<string, JsonNode?>>> SettingsAsync(string mode) => (await CompiledAsync()).AppSettings(mode);

    /// <summary>The Key Vault secret a settings-module parameter names (an output of the keyvault module), in one mode.</summary>
    private static string SecretNameOf(CompiledTemplates compiled, string parameter, string mode)
    {
        var output = compiled.OutputGivenTo(AppModule, parameter, "keyvault") ?? throw new AssertionException($"{parameter} is not an output of the keyvault module");
        return compiled.VaultOutput(output, mode);
    }

    private static string? Value(CompiledTemplates compiled, string name, JsonNode? value, string mode, Dictionary<string, JsonNode?> overrides)
    {
        var text = (string?)value ?? "";
        if (!text.StartsWith('['))
        {
            return text;
        }

        // What the platform puts in place of a Key Vault reference: the secret's value.
        if (KeyVaultReference().Match(text) is { Success: true } reference)
        {
            return FakeSecret(SecretNameOf(compiled, reference.Groups["secret"].Value, mode));
        }

        var parameter = ModuleParameter().Match(text);
        if (parameter.Success)
        {
            var main = compiled.Module(AppModule)["properties"]!["parameters"]![parameter.Groups["name"].Value]!["value"]!;
            var mainName = MainParameterName().Match((string?)main ?? "");
            var resolved = mainName.Success && overrides.TryGetValue(mainName.Groups[1].Value, out var o) ? o : compiled.ResolveModuleParameter(AppModule, parameter.Groups["name"].Value);
            if (resolved is not null)
            {
                return parameter.Groups["string"].Success ? resolved.ToJsonString() : resolved.ToString();
            }
        }

        return RunTimeSamples.TryGetValue(name, out var sample) ? sample : throw new AssertionException($"{name}: no sample for the run-time value {text}");
    }

    // What the Key Vault secrets hold, in each setting's format.
    private static string FakeSecret(string secretName) =>
        secretName == "lead-score-api-keys" ? CompiledTemplates.FakeSecrets["LEAD_SCORE_API_KEYS"] : $"fake-{secretName}-value";

    private static string? SecureParamLine(string bicepparam, string name) =>
        bicepparam.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"param {name} ", StringComparison.Ordinal) || l.StartsWith($"param {name}=", StringComparison.Ordinal));

    private static IEnumerable<KeyValuePair<string, string>> HubSpotTuning() =>
        LeadScoring.Core.HubSpot.HubSpotClientOptions.TuningNames.Select(name => KeyValuePair.Create(name, "HubSpot client tuning; the defaults fit until a portal's tier says otherwise"));

    /// <summary>
    /// A versionless reference to a secret of this deployment's vault: the vault URI and a secret name, both parameters,
    /// and the trailing slash of an empty version (without it, rotated secrets were seen to keep resolving to an old version).
    /// </summary>
    [GeneratedRegex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}secrets/\{1\}/\)', parameters\('keyVaultUri'\), parameters\('(?<secret>\w+)'\)\)\]$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"^\[(?<string>string\()?parameters\('(?<name>\w+)'\)\)?\]$")]
    private static partial Regex ModuleParameter();

    [GeneratedRegex(@"^\[parameters\('(\w+)'\)\]$")]
    private static partial Regex MainParameterName();

    [GeneratedRegex(@"^\[resourceId\('(Microsoft\.[A-Za-z]+/[A-Za-z]+)', ")]
    private static partial Regex ScopeType();

    [GeneratedRegex(@"variables\('(\w+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();
}
