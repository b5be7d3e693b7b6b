using System.Net;
using LeadScoring.Core.HubSpot;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Contract;

/// <summary>The rate budget's real-time reserve (batch work never takes it) and HubSpot's DAILY 429 (stop until the portal's midnight).</summary>
[TestFixture]
public sealed class HubSpotRateBudgetTests
{
    [Test]
    public async Task BatchLane_UsesTheBudgetLessTheReserve_AndRealTimeCallsStillGetTheirSlotsAtOnce()
    {
        using var budget = Budget(requestsPer10Seconds: 20, reserve: 5);
        Assert.That(budget.BatchLimitPer10Seconds, Is.EqualTo(15));

        var batch = Enumerable.Range(0, 15).Select(_ => budget.AcquireAsync(false, HubSpotWorkLane.Batch, CancellationToken.None).AsTask()).ToList();
        var queuedBatch = budget.AcquireAsync(false, HubSpotWorkLane.Batch, CancellationToken.None).AsTask();
        var realTime = Enumerable.Range(0, 5).Select(_ => budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None).AsTask()).ToList();
        var overBudget = budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None).AsTask();

        Assert.Multiple(() =>
        {
            Assert.That(batch.All(t => t.IsCompletedSuccessfully), Is.True, "15 batch slots are granted at once");
            Assert.That(queuedBatch.IsCompleted, Is.False, "the 16th batch call waits: the last 5 slots are the reserve");
            Assert.That(realTime.All(t => t.IsCompletedSuccessfully), Is.True, "the reserve serves real-time calls while batch waits");
            Assert.That(overBudget.IsCompleted, Is.False, "and the whole budget still holds");
        });
        foreach (var lease in batch.Concat(realTime))
        {
            (await lease).Dispose();
        }
    }

    [Test]
    public async Task WhileWebhooksArrive_BatchLeavesFreeWhatRealTimeWorkUsed_PlusAGathersBurst()
    {
        using var budget = Budget(requestsPer10Seconds: 100, reserve: 5);
        Assert.That(budget.RealTimeReserve(), Is.Zero, "no real-time work about: only the batch window's static reserve");
        var realTime = new List<System.Threading.RateLimiting.RateLimitLease>();
        for (var i = 0; i < 10; i++)
        {
            realTime.Add(await budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None));
        }

        Assert.That(budget.RealTimeReserve(), Is.EqualTo(10 + HubSpotRateBudget.GatherBurst));

        // 90 slots are left; batch work takes them down to the 22 it leaves free, and then waits.
        var batch = Enumerable.Range(0, 80).Select(_ => budget.AcquireAsync(false, HubSpotWorkLane.Batch, CancellationToken.None).AsTask()).ToList();
        await Task.Delay(500);
        Assert.That(batch.Count(t => t.IsCompletedSuccessfully), Is.EqualTo(90 - 22));

        var webhook = budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None).AsTask();
        Assert.That(webhook.IsCompletedSuccessfully, Is.True, "a webhook's call is served at once");
        realTime.Add(await webhook);
        foreach (var lease in realTime.Concat(batch.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)))
        {
            lease.Dispose();
        }
    }

    [Test]
    public async Task BatchCallsWaitingForTheWindow_NeverStandAheadOfARealTimeCall()
    {
        // A 1-second window (the limiter replenishes on real timers): the whole budget is taken, then batch calls queue
        // up first and a webhook's call after them.
        using var budget = new HubSpotRateBudget(
            Options.Create(new HubSpotClientOptions { RequestsPer10Seconds = 20, RateBudgetShare = 1, RealTimeReservePer10Seconds = 5 }), TimeProvider.System, TimeSpan.FromSeconds(1));
        var taken = new List<System.Threading.RateLimiting.RateLimitLease>();
        for (var i = 0; i < 20; i++)
        {
            taken.Add(await budget.AcquireAsync(false, i < 15 ? HubSpotWorkLane.Batch : HubSpotWorkLane.RealTime, CancellationToken.None));
        }

        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var batch = Enumerable.Range(0, 10).Select(async i =>
        {
            var lease = await budget.AcquireAsync(false, HubSpotWorkLane.Batch, CancellationToken.None);
            order.Enqueue("batch");
            return lease;
        }).ToList();
        await Task.Delay(100);
        var webhook = Task.Run(async () =>
        {
            var lease = await budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None);
            order.Enqueue("webhook");
            return lease;
        });

        taken.Add(await webhook.WaitAsync(TimeSpan.FromSeconds(5)));
        await Task.Delay(300);

        Assert.Multiple(() =>
        {
            Assert.That(order.First(), Is.EqualTo("webhook"), "the real-time call is served first although batch calls were waiting before it");
            Assert.That(order.Count(o => o == "batch"), Is.LessThanOrEqualTo(20 - 1 - 5), "and batch calls still leave the reserve free");
        });
        foreach (var lease in taken.Concat(batch.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)))
        {
            lease.Dispose();
        }
    }

    [Test]
    public async Task AcquireAsync_InsideAMeasuredScope_RecordsTheWaitForBudget()
    {
        using var budget = Budget(requestsPer10Seconds: 20, reserve: 5);
        var times = new HubSpotCallTimes();

        using (HubSpotWork.Measure(times))
        {
            (await budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None)).Dispose();
            (await budget.AcquireAsync(true, HubSpotWorkLane.Batch, CancellationToken.None)).Dispose();
        }

        (await budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None)).Dispose();
        Assert.That(times.Waits, Is.EqualTo(2), "only the calls made inside the scope");
        Assert.That(times.MaxWait, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task ReserveThatFollowsDemand_NeverTakesMoreThanHalfTheBudget()
    {
        using var budget = Budget(requestsPer10Seconds: 40, reserve: 5);
        for (var i = 0; i < 30; i++)
        {
            (await budget.AcquireAsync(false, HubSpotWorkLane.RealTime, CancellationToken.None)).Dispose();
        }

        Assert.That(budget.RealTimeReserve(), Is.EqualTo(20));
    }

    [Test]
    public void Lane_FlowsAcrossAwaitsAndIsRestoredWhenTheScopeEnds()
    {
        Assert.That(HubSpotWork.Lane, Is.EqualTo(HubSpotWorkLane.RealTime), "unmarked calls are real-time");
        HubSpotWorkLane inside;
        using (HubSpotWork.Enter(HubSpotWorkLane.Batch))
        {
            inside = Task.Run(async () =>
            {
                await Task.Yield();
                return HubSpotWork.Lane;
            }).GetAwaiter().GetResult();
        }

        Assert.That(inside, Is.EqualTo(HubSpotWorkLane.Batch));
        Assert.That(HubSpotWork.Lane, Is.EqualTo(HubSpotWorkLane.RealTime));
    }

    [Test]
    public async Task Daily429_StopsEveryCallUntilThePortalsMidnight_WithoutAskingHubSpotAgain()
    {
        // 18:30 in New York (EST, UTC-5): HubSpot's day ends at 05:00Z, not at UTC midnight.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.Zero));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5, DailyLimit = 3, TimeProvider = clock });
        await using var services = emulator.ClientServices(clock: clock);
        var client = services.GetRequiredService<HubSpotClient>();
        var budget = services.GetRequiredService<HubSpotRateBudget>();
        budget.PortalTimeZone = HubSpotPortalTimeZone.Resolve((await client.GetAccountDetailsAsync()).TimeZone)!;
        await client.GetObjectAsync("contacts", "1001", ["lifecyclestage"]);
        await client.GetObjectAsync("contacts", "1001", ["lifecyclestage"]);

        var stopped = Assert.ThrowsAsync<HubSpotDailyLimitException>(() => client.GetObjectAsync("contacts", "1001", ["lifecyclestage"]));
        var failFast = Assert.ThrowsAsync<HubSpotDailyLimitException>(() => client.BatchReadAsync("contacts", ["1001", "1002"], ["lifecyclestage"]));
        var seenWhileStopped = (await emulator.RequestsAsync("/crm/")).Count;
        clock.Advance(TimeSpan.FromMinutes(330)); // 05:00Z: midnight in New York
        var after = await client.GetObjectAsync("contacts", "1001", ["lifecyclestage"]);

        var resets = new DateTimeOffset(2026, 3, 2, 5, 0, 0, TimeSpan.Zero);
        Assert.Multiple(() =>
        {
            Assert.That(stopped!.ResumesAt, Is.EqualTo(resets));
            Assert.That(stopped.PolicyName, Is.EqualTo("DAILY"));
            Assert.That(stopped.Message, Does.Contain("daily API limit").And.Contain("2026-03-02 05:00:00Z"));
            Assert.That(failFast!.ResumesAt, Is.EqualTo(resets));
            Assert.That(seenWhileStopped, Is.EqualTo(3), "2 reads + the refused one: the 429 was not retried and the batch read never left");
            Assert.That(after, Is.Not.Null, "after the portal's midnight calls go through again");
            Assert.That(budget.DailyLimitedUntil, Is.Null);
        });
    }

    [Test]
    public async Task TenSecondly429_IsRetriedNotTakenForTheDailyLimit()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 5 });
        await using var services = emulator.ClientServices();
        var client = services.GetRequiredService<HubSpotClient>();
        await emulator.AddFaultAsync(429, 1, pathContains: "/crm/v3/objects/contacts/1001");

        var contact = await client.GetObjectAsync("contacts", "1001", ["lifecyclestage"]);

        Assert.That(contact, Is.Not.Null);
        Assert.That(services.GetRequiredService<HubSpotRateBudget>().DailyLimitedUntil, Is.Null);
        Assert.That((await emulator.RequestsAsync("/crm/v3/objects/contacts/1001")).Select(r => r.Status), Is.EqualTo(new[] { 429, 200 }));
    }

    [TestCase("US/Eastern", "2026-07-01T12:00:00Z", "2026-07-02T04:00:00Z")]
    [TestCase("Europe/Berlin", "2026-01-15T22:59:00Z", "2026-01-15T23:00:00Z")]
    [TestCase("W. Europe Standard Time", "2026-06-15T10:00:00Z", "2026-06-15T22:00:00Z")]
    [TestCase("UTC", "2026-06-15T10:00:00Z", "2026-06-16T00:00:00Z")]
    [TestCase("America/Santiago", "2026-09-05T12:00:00Z", "2026-09-06T04:00:00Z")]
    public void PortalTimeZone_NextMidnight_IsTheNextPortalDaysFirstInstant(string zone, string now, string midnight)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);

        var next = HubSpotPortalTimeZone.Resolve(zone)!.NextMidnight(at);

        Assert.That(next, Is.EqualTo(DateTimeOffset.Parse(midnight, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("")]
    [TestCase("Mars/Olympus_Mons")]
    public void PortalTimeZone_UnknownId_IsNull(string id) => Assert.That(HubSpotPortalTimeZone.Resolve(id), Is.Null);

    private static HubSpotRateBudget Budget(int requestsPer10Seconds, int reserve) => new(
        Options.Create(new HubSpotClientOptions { RequestsPer10Seconds = requestsPer10Seconds, RateBudgetShare = 1, RealTimeReservePer10Seconds = reserve }),
        TimeProvider.System);
}
