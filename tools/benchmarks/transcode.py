"""tools/bench transcode: Reel's HLS ladder (`reel-bench transcode`, ReelMedia on
libav) against the ffmpeg CLI making the same ladder with the same encoder
settings, in one run.

The source is a generated 1080p30 H.264 + AAC file (cached in the data dir).
ffmpeg is one process: the video is decoded once and split into the four
scaled rungs (`-filter_complex split`), the audio is encoded once, and the
`tee` muxer hands each to an `hls` muxer of its own: four video-only rungs
and one audio rendition, as Reel makes them. Both are timed from process
start to exit, and to the moment every rendition's playlist (each rung's and
the audio's) lists a segment (polled every 50 ms), and to the first
playable moment (the audio and at least one rung list a segment).
Ratio = ffmpeg seconds / Reel seconds (above 1: Reel is faster); the CPU
time of each is printed beside it.
With --quality (`tools/bench ladder-quality`), each rung of both ladders is
compared with the source scaled to the rung by the CLI's own filter
(libavfilter's psnr and ssim, through the ffmpeg CLI: the bench may use it
as a reference tool, the product never does), and the run fails if a Reel
rung is worse than the CLI's by more than 0.5 dB PSNR or 0.005 SSIM."""
import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import threading
import time

# TranscodeLadder.standardRungs: (short side, video bits per second), largest first.
STANDARD_RUNGS = [(1080, 5_000_000), (720, 2_800_000), (480, 1_400_000), (360, 800_000)]
AUDIO_BIT_RATE = 128_000
AUDIO_RENDITION = "audio"  # TranscodeLadder.audioRenditionName
SEGMENT_SECONDS = 4
PSNR_TOLERANCE = 0.5  # dB: how much worse than the CLI a Reel rung may be (issue #18)
SSIM_TOLERANCE = 0.005


def even(value: float) -> int:
    """TranscodeLadder.even: nearest even number (halves to even), at least 2."""
    return max(2, round(value / 2) * 2)


def ladder(width: int, height: int) -> list:
    """The rungs Reel makes for an unrotated width x height source (TranscodeLadder.init)."""
    short, long = min(width, height), max(width, height)
    portrait = width < height
    rungs = []
    for target, bit_rate in STANDARD_RUNGS:
        if target > short:
            continue
        scaled_long = min(even(long * target / short), max(2, long & ~1))
        scaled_short = min(even(target), max(2, short & ~1))
        w, h = (scaled_short, scaled_long) if portrait else (scaled_long, scaled_short)
        rungs.append({"name": f"{scaled_short}p", "width": w, "height": h, "video_bit_rate": bit_rate})
    return rungs


def make_source(path: str, seconds: int) -> None:
    """A 1080p30 H.264 (crf 20) + AAC stereo mp4 with moving content."""
    if os.path.exists(path):
        return
    partial = path + ".partial.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:beep_factor=4:sample_rate=48000:duration={seconds}",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", partial], check=True)
    os.rename(partial, path)


def probe(path: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "format=duration:stream=codec_type,codec_name,width,height,avg_frame_rate,sample_rate,channels",
                          "-of", "json", path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def tee_safe(path: str) -> str:
    """A path as a tee slave's option value or file name: the tee muxer unescapes
    twice, so paths with its special characters are refused rather than escaped."""
    if any(special in path for special in "\\:|[]'=,;\""):
        sys.exit(f"the tee muxer cannot take this path (use a plainer --data): {path}")
    return path


def ffmpeg_command(source: str, out: str, rungs: list, fps: float, sample_rate: int | None, preset: str) -> list:
    """One ffmpeg process making Reel's ladder with Reel's x264 settings (RungOutput):
    profile high, closed 2 s GOPs (keyint_min = gop, no scenecut), an IDR forced every
    4 s, maxrate = bitrate, bufsize 2x, bicubic scaling to yuv420p, square pixels.
    Each rendition is a single CMAF track (video-only rungs, one AAC rendition) in
    an EVENT playlist rewritten through a temporary file after every segment, as
    Reel's HLSMuxer writes them."""
    gop = max(1, round(2 * fps))
    labels = "".join(f"[s{i}]" for i in range(len(rungs)))
    graph = [f"[0:v]split={len(rungs)}{labels}"]
    for i, rung in enumerate(rungs):
        graph.append(f"[s{i}]scale={rung['width']}:{rung['height']}:flags=bicubic,format=yuv420p,setsar=1[v{i}]")
    command = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", source, "-filter_complex", ";".join(graph)]
    for i in range(len(rungs)):
        command += ["-map", f"[v{i}]"]
    if sample_rate:
        command += ["-map", "0:a:0"]
    command += ["-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-g", str(gop), "-keyint_min", str(gop),
                "-x264-params", "scenecut=0:open-gop=0", "-forced-idr", "1",
                "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})"]
    for i, rung in enumerate(rungs):
        rate = rung["video_bit_rate"]
        command += [f"-b:v:{i}", str(rate), f"-maxrate:v:{i}", str(rate), f"-bufsize:v:{i}", str(2 * rate)]
    if sample_rate:
        command += ["-c:a", "aac", "-b:a", str(AUDIO_BIT_RATE), "-ac", "2", "-ar", str(sample_rate)]
    command += ["-flags", "+global_header"]
    slaves = []
    renditions = [(rung["name"], f"v:{i}") for i, rung in enumerate(rungs)]
    if sample_rate:
        renditions.append((AUDIO_RENDITION, "a:0"))
    for name, stream in renditions:
        directory = os.path.join(out, name)
        os.makedirs(directory)
        options = [f"select=\\'{stream}\\'", "f=hls", f"hls_time={SEGMENT_SECONDS}", "hls_segment_type=fmp4",
                   "hls_playlist_type=event", "hls_fmp4_init_filename=init.mp4",
                   "hls_flags=independent_segments+temp_file",
                   "hls_segment_filename=" + tee_safe(os.path.join(directory, "seg-%05d.m4s"))]
        slaves.append("[" + ":".join(options) + "]" + tee_safe(os.path.join(directory, "index.m3u8")))
    return command + ["-f", "tee", "|".join(slaves)]


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_idle(limit: float) -> bool:
    """Waits (up to `limit` seconds) for a 5 s window in which the machine is
    nearly idle (under a fifth of one core busy), so that other work does not
    share the cores with the run. False if it never came."""
    deadline = time.monotonic() + limit
    while True:
        before = busy_cpu_seconds()
        time.sleep(5)
        if busy_cpu_seconds() - before < 1.0:
            return True
        if time.monotonic() > deadline:
            return False


def first_segment_watch(playlists: list, started: float, finished: threading.Event, seen: dict) -> None:
    """Polls every 50 ms, noting in `seen` when each playlist first lists a
    segment (#EXTINF), until all do or the process has ended."""
    while len(seen) < len(playlists):
        done = finished.is_set()
        now = time.perf_counter() - started
        for path in playlists:
            if path in seen:
                continue
            try:
                with open(path, "rb") as f:
                    if b"#EXTINF" in f.read():
                        seen[path] = now
            except OSError:
                pass
        if done:
            return
        time.sleep(0.05)


def timed(command: list, out: str, renditions: list) -> dict:
    """Runs `command`, timing it to exit, to the first segment of every
    rendition, and to the first playable moment: the audio rendition (if
    any) and at least one rung list a segment, so a player can start on
    that rung."""
    playlists = [os.path.join(out, name, "index.m3u8") for name in renditions]
    finished, seen = threading.Event(), {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = busy_cpu_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watcher = threading.Thread(target=first_segment_watch, args=(playlists, started, finished, seen))
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # only this child ran meanwhile
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    others = max(0.0, busy_cpu_seconds() - busy_before - cpu)  # CPU the rest of the machine used meanwhile
    finished.set()
    watcher.join()
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed ({process.returncode}):\n{stderr}")
    # Seen after the exit (a poll's lag): the playlists were complete by the exit.
    times = {name: min(seen.get(path, seconds), seconds) for name, path in zip(renditions, playlists)}
    first = max(times.values()) if times else float("nan")
    audio = times.get(AUDIO_RENDITION, 0.0)
    rungs = [t for name, t in times.items() if name != AUDIO_RENDITION]
    playable = max(audio, min(rungs)) if rungs else audio
    # Core-seconds nobody used: on a quiet machine, the cores the run itself left idle
    # (start-up, waits between its threads, the drain at the end).
    idle = max(0.0, seconds * (os.cpu_count() or 1) - cpu - others)
    return {"seconds": seconds, "cpu": cpu, "others": others, "idle": idle, "first_segment": first, "playable": playable,
            "stdout": stdout}


def verify(out: str, rungs: list, duration: float, has_audio: bool, who: str) -> None:
    """Every rung is video at its size and the audio rendition AAC, each lasting
    the source's duration (ffprobe on each playlist)."""
    expected = [(rung["name"], "video", (rung["width"], rung["height"])) for rung in rungs]
    if has_audio:
        expected.append((AUDIO_RENDITION, "audio", None))
    for name, kind, size in expected:
        info = probe(os.path.join(out, name, "index.m3u8"))
        got = float(info["format"]["duration"])
        streams = [s for s in info["streams"] if s["codec_type"] == kind]
        problems = []
        if abs(got - duration) > 0.5:
            problems.append(f"duration {got:.2f} s, source {duration:.2f} s")
        if not streams:
            problems.append(f"no {kind}")
        elif size and (streams[0]["width"], streams[0]["height"]) != size:
            problems.append(f"video {streams[0]['width']}x{streams[0]['height']}, expected {size[0]}x{size[1]}")
        if problems:
            sys.exit(f"{who} {name}: " + "; ".join(problems))


def rung_quality(source: str, playlist: str, rung: dict, scratch: str) -> tuple:
    """(PSNR dB, SSIM) of a rendition's video against the source scaled to
    the rung's size the CLI's way (bicubic, yuv420p): the picture the CLI
    hands its encoder, so the CLI's own scaling is the reference and any
    loss from Reel's cascade counts against Reel. Average PSNR from the mean
    MSE over all frames and planes (as the psnr filter reports it); SSIM the
    mean of the frames' `All`."""
    psnr_log, ssim_log = os.path.join(scratch, "psnr.log"), os.path.join(scratch, "ssim.log")
    graph = ";".join([
        f"[0:v]setpts=PTS-STARTPTS,scale={rung['width']}:{rung['height']}:flags=bicubic,format=yuv420p,setsar=1,"
        "split[r1][r2]",
        "[1:v]setpts=PTS-STARTPTS,format=yuv420p,setsar=1,split[d1][d2]",
        f"[d1][r1]psnr=stats_file={psnr_log}[p]",
        f"[d2][r2]ssim=stats_file={ssim_log}[s]",
    ])
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", source, "-i", playlist, "-filter_complex", graph,
                    "-map", "[p]", "-map", "[s]", "-f", "null", "-"], check=True)

    def fields(path: str) -> list:
        with open(path) as f:
            return [dict(part.split(":", 1) for part in line.split() if ":" in part) for line in f if line.strip()]
    mse = [float(frame["mse_avg"]) for frame in fields(psnr_log)]
    ssim = [float(frame["All"]) for frame in fields(ssim_log)]
    mean_mse = sum(mse) / len(mse)
    psnr = float("inf") if mean_mse == 0 else 10 * math.log10(255 ** 2 / mean_mse)
    return psnr, sum(ssim) / len(ssim)


def print_quality(source: str, reel_out: str, ffmpeg_out: str, rungs: list, scratch: str) -> bool:
    """Prints each rung's PSNR/SSIM for Reel and the CLI against the same
    reference; False if Reel is worse than the CLI by more than 0.5 dB or
    0.005 SSIM on any rung."""
    print(f"  quality against the source scaled by the CLI's filter (bicubic); reel may lose at most "
          f"{PSNR_TOLERANCE} dB / {SSIM_TOLERANCE} SSIM to the CLI:")
    print(f"  {'rung':7}{'reel PSNR':>11}{'cli PSNR':>10}{'diff':>8}{'reel SSIM':>11}{'cli SSIM':>10}{'diff':>9}")
    good = True
    for rung in rungs:
        reel_psnr, reel_ssim = rung_quality(source, os.path.join(reel_out, rung["name"], "index.m3u8"), rung, scratch)
        cli_psnr, cli_ssim = rung_quality(source, os.path.join(ffmpeg_out, rung["name"], "index.m3u8"), rung, scratch)
        ok = reel_psnr >= cli_psnr - PSNR_TOLERANCE and reel_ssim >= cli_ssim - SSIM_TOLERANCE
        good = good and ok
        print(f"  {rung['name']:7}{reel_psnr:10.2f} {cli_psnr:9.2f} {reel_psnr - cli_psnr:+7.2f} "
              f"{reel_ssim:10.4f} {cli_ssim:9.4f} {reel_ssim - cli_ssim:+8.4f}  {'ok' if ok else 'WORSE'}")
    return good


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--bin", required=True, help="the reel-bench executable (release build)")
    args.add_argument("--data", required=True, help="cache for the source and scratch space for the outputs")
    args.add_argument("--seconds", type=int, default=60, help="source duration")
    args.add_argument("--preset", default="veryfast")
    args.add_argument("--repeat", type=int, default=1, help="runs of each (alternating); the best counts")
    args.add_argument("--wait-idle", type=float, default=600,
                      help="seconds to wait for an idle machine before each run (0: do not wait)")
    args.add_argument("--keep", action="store_true", help="keep the outputs")
    args.add_argument("--quality", action="store_true",
                      help="also compare every rung's PSNR/SSIM (last run's outputs) with the CLI's")
    args.add_argument("--reel-arg", action="append", default=[],
                      help="extra argument for `reel-bench transcode` (e.g. --scale-from-source, --threads=2)")
    opts = args.parse_args()

    os.makedirs(opts.data, exist_ok=True)
    source = os.path.join(opts.data, f"transcode-source-1080p30-{opts.seconds}s.mp4")
    make_source(source, opts.seconds)
    info = probe(source)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = next((s for s in info["streams"] if s["codec_type"] == "audio"), None)
    num, den = (int(x) for x in video["avg_frame_rate"].split("/"))
    fps = num / den
    duration = float(info["format"]["duration"])
    sample_rate = (44_100 if int(audio["sample_rate"]) == 44_100 else 48_000) if audio else None
    rungs = ladder(int(video["width"]), int(video["height"]))
    renditions = [rung["name"] for rung in rungs] + ([AUDIO_RENDITION] if audio else [])

    work = os.path.join(opts.data, "transcode-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    best, runs, busy_starts = {}, {"reel": [], "ffmpeg": []}, 0

    def idle() -> None:
        nonlocal busy_starts
        if opts.wait_idle > 0 and not wait_for_idle(opts.wait_idle):
            busy_starts += 1

    for run in range(opts.repeat):
        reel_out = os.path.join(work, f"reel-{run}")
        idle()
        reel = timed([opts.bin, "transcode", "--preset", opts.preset, *opts.reel_arg, source, reel_out], reel_out, renditions)
        reported = json.loads(reel["stdout"].strip().splitlines()[-1])
        made = [{k: r[k] for k in ("name", "width", "height", "video_bit_rate")} for r in reported["renditions"]]
        if made != rungs:
            sys.exit(f"reel made a different ladder: {made}, expected {rungs}")
        reel["reported"] = reported
        verify(reel_out, rungs, duration, audio is not None, "reel")

        ffmpeg_out = os.path.join(work, f"ffmpeg-{run}")
        idle()
        ffmpeg = timed(ffmpeg_command(source, ffmpeg_out, rungs, fps, sample_rate, opts.preset), ffmpeg_out,
                       renditions)
        verify(ffmpeg_out, rungs, duration, audio is not None, "ffmpeg")
        for name, result in (("reel", reel), ("ffmpeg", ffmpeg)):
            runs[name].append(result)
            if name not in best or result["seconds"] < best[name]["seconds"]:
                best[name] = result
        if not opts.keep and not (opts.quality and run == opts.repeat - 1):
            shutil.rmtree(reel_out)
            shutil.rmtree(ffmpeg_out)

    ffmpeg_version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    ladder_text = ", ".join(f"{r['name']} {r['video_bit_rate'] / 1e6:g} Mb/s" for r in rungs)
    audio_text = f" + one AAC {AUDIO_BIT_RATE // 1000}k stereo rendition" if audio else ""
    print(f"transcode benchmark: {duration:.0f} s {video['width']}x{video['height']} {fps:g} fps {video['codec_name']} source"
          f"{' + ' + audio['codec_name'] if audio else ''}, libx264 {opts.preset}, HLS fMP4 {SEGMENT_SECONDS} s segments"
          " (reel-bench: a 2 s first one unless --reel-arg=--first-segment=0)")
    print(f"  ladder: {ladder_text}{audio_text}")
    print(f"  machine: {os.cpu_count()} cores ({model}); {ffmpeg_version}")
    print(f"  runs: {opts.repeat} of each, alternating, best wall time counts"
          + (f"; {busy_starts} started on a busy machine" if busy_starts else ""))
    if opts.reel_arg:
        print(f"  reel-bench transcode {' '.join(opts.reel_arg)}")
    print(f"  {'':7}{'wall':>9}{'realtime':>10}{'first segment':>15}{'first playable':>16}{'cpu (user+sys)':>16}"
          f"{'other processes':>17}{'idle cores':>12}")
    for name in ("reel", "ffmpeg"):
        result = best[name]
        print(f"  {name:7}{result['seconds']:8.2f}s{duration / result['seconds']:9.2f}x{result['first_segment']:14.2f}s"
              f"{result['playable']:15.2f}s{result['cpu']:15.1f}s{result['others']:16.1f}s{result['idle']:11.1f}s")
    if opts.repeat > 1:
        for name in ("reel", "ffmpeg"):
            listed = ", ".join(f"{r['seconds']:.1f}/{r['others']:.1f}" for r in runs[name])
            print(f"  every {name} run (wall s / other processes' cpu s): {listed}")
    reported = best["reel"]["reported"]
    print(f"  reel's own report: {reported['seconds']:.2f} s, first segment {reported['first_segment_seconds']} s")
    print(f"  ratio (ffmpeg / reel) = {best['ffmpeg']['seconds'] / best['reel']['seconds']:.2f}; "
          f"cpu (reel / ffmpeg) = {best['reel']['cpu'] / best['ffmpeg']['cpu']:.2f}")
    good = True
    if opts.quality:
        last = opts.repeat - 1
        good = print_quality(source, os.path.join(work, f"reel-{last}"), os.path.join(work, f"ffmpeg-{last}"), rungs,
                             work)
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    if not good:
        sys.exit("a Reel rung is worse than the CLI's by more than the tolerance")


if __name__ == "__main__":
    main()
