using System.Threading.Tasks;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// The real GatewaySignalStrategy on the simulated ATAS (tests/SimAtas), fed by the live
    /// gateway: what a trader would check after each situation.
    /// </summary>
    public static class StrategyScenarios
    {
        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, Control control)
        {
            await ExecutionScenarios.RunAsync(t, gateway, apiKey, control).ConfigureAwait(false);
            await OrderFailureScenarios.RunAsync(t, gateway, apiKey, control).ConfigureAwait(false);
            await FlattenScenarios.RunAsync(t, gateway, apiKey, control).ConfigureAwait(false);
            await GatewayScenarios.RunAsync(t, gateway, apiKey, control).ConfigureAwait(false);
            await KillSwitchScenarios.RunAsync(t, gateway, apiKey, control).ConfigureAwait(false);
        }
    }
}
