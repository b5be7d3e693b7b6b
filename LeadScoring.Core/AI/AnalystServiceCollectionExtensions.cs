using Azure;
using Azure.AI.OpenAI;
using Azure.Identity;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.AI;

/// <summary>Registers the AI analyst: <see cref="DisabledLeadAnalyst"/> unless <c>AZURE_OPENAI_ENDPOINT</c> is set.</summary>
internal static class AnalystServiceCollectionExtensions
{
    /// <param name="configureClient">Adjusts the Azure OpenAI client options (retry policy, transport) after the defaults.</param>
    public static IServiceCollection AddLeadAnalyst(this IServiceCollection services, Action<AzureOpenAIClientOptions>? configureClient = null)
    {
        services.AddOptions<AnalystOptions>()
            .Configure<IConfiguration>((options, configuration) => options.ReadFrom(configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnalystOptions>, AnalystOptionsValidator>());
        services.TryAddSingleton<ILeadAnalyst>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AnalystOptions>>().Value;
            return options.Enabled
                ? new LeadAnalyst(CreateChatClient(options, configureClient), options, provider.GetService<ILogger<LeadAnalyst>>())
                : new DisabledLeadAnalyst();
        });
        return services;
    }

    /// <summary>
    /// The chat client for the configured deployment: Azure OpenAI (api-version 2024-10-21) with the key, or with
    /// Microsoft Entra ID (<see cref="DefaultAzureCredential"/>) when no key is set.
    /// </summary>
    public static IChatClient CreateChatClient(AnalystOptions options, Action<AzureOpenAIClientOptions>? configureClient = null) =>
        CreateAzureClient(options, configureClient).GetChatClient(options.ChatDeployment).AsIChatClient();

    /// <summary>The Azure OpenAI client for the configured resource (api-version 2024-10-21), by key or Entra ID.</summary>
    public static AzureOpenAIClient CreateAzureClient(AnalystOptions options, Action<AzureOpenAIClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.Endpoint ?? throw new InvalidOperationException($"{AnalystOptions.EndpointName} is not set");
        var clientOptions = new AzureOpenAIClientOptions(AzureOpenAIClientOptions.ServiceVersion.V2024_10_21);
        configureClient?.Invoke(clientOptions);
        return options.ApiKey is { } key
            ? new AzureOpenAIClient(endpoint, new AzureKeyCredential(key), clientOptions)
            : new AzureOpenAIClient(endpoint, AzureCredentials.Create(managedIdentity: false, options.ClientId), clientOptions);
    }
}
