using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace LeadScoring.Functions.Security;

/// <summary>
/// The dashboard's data-protection keys (what session cookies are sealed with) in a blob container of the product's
/// storage account, one blob per key, so every instance reads the cookies every other one writes. Azure's own
/// Azure.Extensions.AspNetCore.DataProtection.Blobs is not served here. IXmlRepository is synchronous by design:
/// data protection calls it rarely and caches the key ring.
/// </summary>
internal sealed class BlobXmlRepository(BlobContainerClient container) : IXmlRepository
{
    private const string Folder = "keys/";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = new List<XElement>();
        try
        {
            foreach (var item in container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Folder, CancellationToken.None))
            {
                var content = container.GetBlobClient(item.Name).DownloadContent().Value.Content;
                elements.Add(XElement.Parse(content.ToString()));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: no keys yet.
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = friendlyName is { Length: > 0 and <= 200 } && friendlyName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? friendlyName
            : Guid.NewGuid().ToString("N");
        var blob = container.GetBlobClient($"{Folder}{name}.xml");
        var data = BinaryData.FromString(element.ToString(SaveOptions.DisableFormatting));
        try
        {
            blob.Upload(data, overwrite: false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            container.CreateIfNotExists();
            blob.Upload(data, overwrite: false);
        }
    }
}
