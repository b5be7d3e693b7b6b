using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LeadScoring.Core.AI;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training.AzureSearch;
using LeadScoring.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Tests.Deployment;

/// <summary>The compiled ARM JSON checked against the code, so the templates cannot drift from what the host reads.</summary>
[TestFixture]
public sealed partial class DeploymentDriftTests
{
    private const string AppModule = "containerapp";

    /// <summary>Settings the host knows that the template deliberately does not set, each with the reason.</summary>
    private static readonly Dictionary<string, string> NotDeployed = new(HubSpotTuning())
    {
        ["AzureWebJobsStorage"] = "identity-based connection (AzureWebJobsStorage__*) instead; the account allows no shared keys",
        ["AZURE_SEARCH_API_KEY"] = "Microsoft Entra ID with the app identity; the service's keys are disabled",
        ["AZURE_OPENAI_API_KEY"] = "Microsoft Entra ID with the app identity; the account's keys are disabled",
        ["HUBSPOT_BASE_URL"] = "the default, https://api.hubapi.com",
        ["LEAD_SCORE_UPDATE_SCHEDULE"] = "LEAD_SCORE_UPDATE_INTERVAL is deployed; a cron schedule is an operator's override",
        ["LEAD_SCORE_MODEL_VERSION"] = "pinning a model version is an operator's override",
        ["LEAD_SCORE_PROFILE_PATH"] = "the built-in scoring profile; a custom one needs a file mounted into the container",
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
        ["LEAD_SCORE_ENTRA_TENANT_ID"] = "the Entra app registration is created outside the template (it needs Microsoft Graph rights a deployment rarely has); set with LEAD_SCORE_ENTRA_CLIENT_ID afterwards",
        ["LEAD_SCORE_ENTRA_CLIENT_ID"] = "as LEAD_SCORE_ENTRA_TENANT_ID",
        ["LEAD_SCORE_ENTRA_INSTANCE"] = "the default, https://login.microsoftonline.com/",
    };

    /// <summary>Per HubSpot authentication mode, the settings of the other mode.</summary>
    private static readonly Dictionary<string, string[]> OtherModeSettings = new()
    {
        ["privateApp"] = ["HUBSPOT_CLIENT_ID", "HUBSPOT_REFRESH_TOKEN"],
        ["oauth"] = ["HUBSPOT_ACCESS_TOKEN"],
    };

    /// <summary>Settings the container gets that are not the host's, each with the reason. None today.</summary>
    private static readonly Dictionary<string, string> Platform = [];

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
        ["HUBSPOT_WEBHOOK_URL"] = "https://leadscoring.blue-sea-1234.westeurope.azurecontainerapps.io/api/hubspot/webhooks",
    };

    public static IEnumerable<string> Modes => OtherModeSettings.Keys;

    [TestCaseSource(nameof(Modes))]
    public async Task ContainerEnv_EverySettingTheHostKnows_IsDeployedOrExcludedWithAReason(string mode)
    {
        var env = await EnvAsync(mode);
        var names = env.Select(e => (string)e["name"]!).ToList();
        var excluded = NotDeployed.Keys.Concat(OtherModeSettings[mode]).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names, Is.Unique);
            Assert.That(KnownSettings.All.Except(names).Except(excluded), Is.Empty, "settings the host reads but the container app does not get: deploy them or list them in NotDeployed with the reason");
            Assert.That(names.Intersect(excluded), Is.Empty, "listed as not deployed, but deployed");
            Assert.That(excluded.Except(KnownSettings.All), Is.Empty, "NotDeployed lists a setting the host no longer reads");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task ContainerEnv_EverySetting_IsOneTheHostKnows(string mode)
    {
        var names = (await EnvAsync(mode)).Select(e => (string)e["name"]!);

        Assert.That(names.Where(name => !KnownSettings.IsKnown(name) && !Platform.ContainsKey(name)), Is.Empty);
    }

    [TestCaseSource(nameof(Modes))]
    public async Task ContainerEnv_AsDeployed_PassesTheHostsStartUpValidation(string mode)
    {
        var compiled = await CompiledAsync();
        var overrides = mode == "oauth" ? new Dictionary<string, JsonNode?> { ["hubSpotClientId"] = "7d0c8c6e-1111-4a4a-9b9b-123456789abc" } : [];
        var values = new Dictionary<string, string?>();
        foreach (var entry in await EnvAsync(mode))
        {
            var name = (string)entry["name"]!;
            values[name.Replace("__", ":", StringComparison.Ordinal)] = entry["secretRef"] is not null ? FakeSecret((string)entry["secretRef"]!) : Value(compiled, name, entry["value"], overrides);
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
            Assert.That(settings.Storage.IsIdentityBased && settings.Storage.UseManagedIdentity, Is.True, "storage should use the managed identity");
            Assert.That(analyst.Enabled && analyst.ApiKey is null, Is.True, "the analyst should be on, with Entra ID");
            Assert.That(search.IsConfigured && search.ApiKey is null, Is.True, "Azure AI Search should be on, with Entra ID");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public async Task ContainerEnv_EverySecretSetting_IsAKeyVaultReferenceReadWithTheIdentity(string mode)
    {
        var compiled = await CompiledAsync();
        var env = await EnvAsync(mode);
        var secrets = ModeList(compiled.ModuleTemplate(AppModule), App(compiled)["properties"]!["configuration"]!["secrets"]!, mode)
            .ToDictionary(s => (string)s["name"]!);

        using (Assert.EnterMultipleScope())
        {
            foreach (var entry in env.Where(e => KnownSettings.Secrets.Contains((string)e["name"]!)))
            {
                Assert.That(entry["value"], Is.Null, $"{entry["name"]} has a plain value");
                var secret = secrets.GetValueOrDefault((string?)entry["secretRef"] ?? "");
                Assert.That(secret, Is.Not.Null, $"{entry["name"]} refers to no secret of the app");
                Assert.That((string?)secret?["keyVaultUrl"], Does.StartWith("[format('{0}secrets/{1}', parameters('keyVaultUri')"), $"{entry["name"]} is not a Key Vault reference");
                Assert.That((string?)secret?["identity"], Is.EqualTo("[parameters('identityId')]"));
                Assert.That(secret?["value"], Is.Null);
            }

            Assert.That(env.Count(e => e["secretRef"] is not null), Is.EqualTo(3));
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
    public async Task ScaleRule_TargetsThePipelinesQueueOnTheAppsStorageAccountWithTheIdentity()
    {
        var compiled = await CompiledAsync();
        var rules = App(compiled)["properties"]!["template"]!["scale"]!["rules"]!.AsArray();
        var queueRules = rules.Where(r => r!["azureQueue"] is not null).ToList();
        var queueRule = queueRules.Single(r => (string?)r!["name"] == "score-requests-queue")!["azureQueue"]!;
        var batchRule = queueRules.Single(r => (string?)r!["name"] == "score-requests-batch-queue")!["azureQueue"]!;
        var storageQueues = CompiledTemplates.Resources(compiled.ModuleTemplate("storage"), "Microsoft.Storage/storageAccounts/queueServices/queues").Select(q => (string?)q["name"]).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((string?)queueRule["queueName"], Is.EqualTo("[parameters('scoreQueueName')]"));
            Assert.That(compiled.ResolveModuleParameter(AppModule, "scoreQueueName"), Is.Null);
            Assert.That(CompiledTemplates.IsModuleOutput(compiled.Module(AppModule)["properties"]!["parameters"]!["scoreQueueName"]!["value"], "storage", "scoreQueueName"), Is.True);
            Assert.That((string?)compiled.ResolveModuleParameter("storage", "scoreQueueName"), Is.EqualTo(new StorageNames().ScoreRequests));
            Assert.That(storageQueues, Has.Some.Contains("parameters('scoreQueueName')"));
            Assert.That(new StorageNames().ScoreRequestsBatch, Is.EqualTo(new StorageNames().ScoreRequests + "-batch"), "the template names the batch lane as the code does");
            Assert.That((string?)batchRule["queueName"], Does.Contain("parameters('scoreQueueName')").And.Contain("-batch"));
            Assert.That(storageQueues, Has.Some.Contains("-batch"));
            Assert.That((string?)batchRule["identity"], Is.EqualTo("[parameters('identityId')]"));
            Assert.That((string?)queueRule["accountName"], Is.EqualTo("[parameters('storageAccountName')]"));
            Assert.That(CompiledTemplates.IsModuleOutput(compiled.Module(AppModule)["properties"]!["parameters"]!["storageAccountName"]!["value"], "storage", "name"), Is.True);
            Assert.That((string?)queueRule["identity"], Is.EqualTo("[parameters('identityId')]"));
            Assert.That(queueRule["auth"], Is.Null, "the scaler should use the identity, not a connection-string secret");
            Assert.That(rules.Any(r => r!["http"] is not null), Is.True, "without an HTTP rule a webhook cannot wake a scaled-to-zero app");
        }
    }

    [Test]
    public async Task RoleAssignments_EachNeededRole_IsGrantedToTheIdentityOnItsResource()
    {
        var compiled = await CompiledAsync();
        var expected = new Dictionary<string, string[]>
        {
            ["Microsoft.Storage/storageAccounts"] = ["974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"],
            ["Microsoft.Search/searchServices"] = ["8ebe5a00-799e-43f5-93ac-243d3dce84a7", "7ca78c08-252a-4471-8644-bb5ff32d4ba0"],
            ["Microsoft.CognitiveServices/accounts"] = ["5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"],
            ["Microsoft.KeyVault/vaults"] = ["4633458b-17de-408a-b874-0445c86b69e6"],
            ["Microsoft.ContainerRegistry/registries"] = ["7f951dda-4ed3-4680-a7ca-43fe172d538d"],
        };

        var granted = new Dictionary<string, HashSet<string>>();
        foreach (var module in compiled.Modules())
        {
            var template = module["properties"]!["template"]!.AsObject();
            foreach (var assignment in CompiledTemplates.Resources(template, "Microsoft.Authorization/roleAssignments"))
            {
                var scope = (string)assignment["scope"]!;
                var resourceType = ScopeType().Match(scope).Groups[1].Value;
                Assert.That((string?)assignment["properties"]!["principalId"], Is.EqualTo("[parameters('principalId')]"));
                Assert.That(CompiledTemplates.IsModuleOutput(module["properties"]!["parameters"]!["principalId"]!["value"], "identity", "principalId"), Is.True, $"{module["name"]}: roles go to another principal");

                // The role ids are in the assignment, or in the module variables it refers to.
                var text = CompiledTemplates.Text(assignment);
                text += string.Concat(VariableReference().Matches(text).Select(m => CompiledTemplates.Text(template["variables"]![m.Groups[1].Value])));
                granted.TryAdd(resourceType, []);
                granted[resourceType].UnionWith(Guid().Matches(text).Select(m => m.Value));
            }
        }

        Assert.That(granted.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (type, roles) in expected)
        {
            Assert.That(granted[type], Is.EquivalentTo(roles), type);
        }
    }

    [Test]
    public async Task ContainerApp_IngressAndProbes_UseThePortTheImageListensOn()
    {
        var compiled = await CompiledAsync();
        var csproj = XDocument.Load(Path.Combine(Azurite.RepositoryRoot(), "LeadScoring.Functions", "LeadScoring.Functions.csproj"));
        var imagePort = (int?)csproj.Descendants("ContainerPort").Single().Attribute("Include");
        var urls = (string?)csproj.Descendants("ContainerEnvironmentVariable").Single(e => (string?)e.Attribute("Include") == "ASPNETCORE_URLS").Attribute("Value");
        var app = App(compiled);
        var template = compiled.ModuleTemplate(AppModule);
        var probes = app["properties"]!["template"]!["containers"]![0]!["probes"]!.AsArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((int?)compiled.ResolveModuleParameter(AppModule, "targetPort"), Is.EqualTo(imagePort));
            Assert.That(urls, Is.EqualTo($"http://+:{imagePort}"));
            Assert.That((string?)app["properties"]!["configuration"]!["ingress"]!["targetPort"], Is.EqualTo("[parameters('targetPort')]"));
            Assert.That((bool?)app["properties"]!["configuration"]!["ingress"]!["external"], Is.True);
            Assert.That(probes.Select(p => (string?)p!["type"]), Is.SupersetOf(new[] { "Liveness", "Readiness" }));
            Assert.That(probes.Select(p => (string?)p!["httpGet"]), Is.All.EqualTo("[variables('healthProbe')]"));
            Assert.That((string?)template["variables"]!["healthProbe"]!["path"], Is.EqualTo("/api/health"));
            Assert.That((string?)template["variables"]!["healthProbe"]!["port"], Is.EqualTo("[parameters('targetPort')]"));

            // Container Apps' limits, which the Bicep types do not carry: a probe outside them fails the deployment.
            foreach (var probe in probes)
            {
                Assert.That((int?)probe!["failureThreshold"] ?? 3, Is.InRange(1, 10), $"{probe["type"]}.failureThreshold");
                Assert.That((int?)probe["periodSeconds"] ?? 10, Is.InRange(1, 240), $"{probe["type"]}.periodSeconds");
                Assert.That((int?)probe["initialDelaySeconds"] ?? 0, Is.InRange(0, 60), $"{probe["type"]}.initialDelaySeconds");
                Assert.That((int?)probe["timeoutSeconds"] ?? 1, Is.InRange(1, 240), $"{probe["type"]}.timeoutSeconds");
            }
        }
    }

    private static async Task<CompiledTemplates> CompiledAsync()
    {
        var compiled = await CompiledTemplates.GetAsync();
        Assert.That(compiled.Build.ExitCode, Is.Zero, $"infra/main.bicep does not compile: {compiled.Build}");
        return compiled;
    }

    private static async Task<List<JsonObject>> EnvAsync(string mode)
    {
        var compiled = await CompiledAsync();
        var container = App(compiled)["properties"]!["template"]!["containers"]!.AsArray().Single()!;
        return ModeList(compiled.ModuleTemplate(AppModule), container["env"]!, mode);
    }

    private static JsonObject App(CompiledTemplates compiled) =>
        CompiledTemplates.Resources(compiled.ModuleTemplate(AppModule), "Microsoft.App/containerApps").Single();

    /// <summary>
    /// A list the template builds as concat(common, hubSpotAuth == 'oauth' ? oauth : privateApp) from its variables, as
    /// it is for one mode. Any other shape fails, so the test is rewritten with the template.
    /// </summary>
    private static List<JsonObject> ModeList(JsonObject moduleTemplate, JsonNode expression, string mode)
    {
        var match = ModeConcat().Match((string?)expression ?? "");
        Assert.That(match.Success, Is.True, $"unexpected shape: {expression}");
        var variables = moduleTemplate["variables"]!;
        var chosen = mode == "oauth" ? match.Groups["oauth"].Value : match.Groups["private"].Value;
        return [.. variables[match.Groups["common"].Value]!.AsArray().Concat(variables[chosen]!.AsArray()).Select(e => e!.AsObject())];
    }

    private static string? Value(CompiledTemplates compiled, string name, JsonNode? value, Dictionary<string, JsonNode?> overrides)
    {
        var text = (string?)value ?? "";
        var parameter = ModuleParameter().Match(text);
        if (!text.StartsWith('['))
        {
            return text;
        }

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

    [GeneratedRegex(@"^\[concat\(variables\('(?<common>\w+)'\), if\(equals\(parameters\('hubSpotAuth'\), 'oauth'\), variables\('(?<oauth>\w+)'\), variables\('(?<private>\w+)'\)\)\)\]$")]
    private static partial Regex ModeConcat();

    [GeneratedRegex(@"^\[(?<string>string\()?parameters\('(?<name>\w+)'\)\)?\]$")]
    private static partial Regex ModuleParameter();

    [GeneratedRegex(@"^\[parameters\('(\w+)'\)\]$")]
    private static partial Regex MainParameterName();

    [GeneratedRegex(@"^\[resourceId\('(Microsoft\.[A-Za-z]+/[A-Za-z]+)', parameters\('name'\)\)\]$")]
    private static partial Regex ScopeType();

    [GeneratedRegex(@"variables\('(\w+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();
}
