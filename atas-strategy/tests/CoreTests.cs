using System;
using System.IO;
using System.Net;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// The core's test program. Offline checks always run; with --gateway URL it also checks the
    /// core against that live gateway, asking its driver (the Jest e2e test) over stdin/stdout to
    /// publish signals: see <see cref="Control"/>. Exit code 1 on any failure; the last line is
    /// "csharp: N passed, M failed".
    ///
    /// Usage: mono CoreTests.exe [--gateway http://127.0.0.1:8888] [--api-key KEY] [--work-dir DIR]
    /// </summary>
    public static class CoreTests
    {
        public static int Main(string[] args)
        {
            string gateway = null, apiKey = null, workDir = null;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--gateway": gateway = value; i++; break;
                    case "--api-key": apiKey = value; i++; break;
                    case "--work-dir": workDir = value; i++; break;
                    default:
                        Console.Error.WriteLine("unknown argument '" + args[i] + "'. Usage: CoreTests.exe [--gateway URL] [--api-key KEY] [--work-dir DIR]");
                        return 2;
                }
            }
            // Mono's default of 2 connections per host would queue the polls behind an open SSE stream.
            ServicePointManager.DefaultConnectionLimit = 16;
            workDir = workDir ?? Path.Combine(Path.GetTempPath(), "atas-core-tests-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(workDir);

            var t = new TestHarness();
            try
            {
                RunAsync(t, gateway, apiKey, workDir).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                t.Check("test program", () => { throw new AssertionException("aborted: " + ex); });
            }
            finally
            {
                try { Directory.Delete(workDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            Console.WriteLine("csharp: " + t.Passed + " passed, " + t.Failed + " failed");
            return t.Failed == 0 ? 0 : 1;
        }

        private static async Task RunAsync(TestHarness t, string gateway, string apiKey, string workDir)
        {
            await OfflineChecks.RunAsync(t, workDir).ConfigureAwait(false);
            if (gateway == null)
            {
                Console.WriteLine("# no --gateway given: live gateway checks skipped");
                return;
            }
            using (var control = new Control(Console.In, Console.Out))
            {
                await LiveChecks.RunAsync(t, gateway, apiKey, workDir, control).ConfigureAwait(false);
                await StrategyScenarios.RunAsync(t, gateway, apiKey, control).ConfigureAwait(false);
            }
        }
    }
}
