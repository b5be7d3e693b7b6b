using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using LeadScoring.Core.Training.Similarity;

namespace LeadScoring.Tests.Training;

/// <summary>A training-record service over real storage and the embedded index, for records that carry their features.</summary>
internal static class TrainingServices
{
    public static (TrainingRecordService Service, TrainingRecordStore Store, EmbeddedVectorIndex Index) Create(LeadScoringStorage storage, HashingEmbeddingGenerator embedder)
    {
        var index = new EmbeddedVectorIndex(embedder.Version, storage);
        var similar = new SimilarLeads(embedder, index, ScoringProfile.Default);

        // Records here carry their features, so HubSpot is never called.
        var reader = new HubSpotLeadReader(new HubSpotClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }));
        var store = new TrainingRecordStore(storage);
        return (new TrainingRecordService(store, index, similar, reader, TimeProvider.System), store, index);
    }
}
