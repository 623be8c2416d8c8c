"""`tools/dev up` passes REEL_SAMPLE_VIDEO: a fresh instance shows the
sample, transcoded like any upload, in the public catalog (once only)."""
from pathlib import Path

from reeltest.transcode import TEST_ENV
from reeltest.host import msg, new_database, wait_until
from reeltest.transcode import storage_key, decode_errors

SAMPLE = Path(__file__).resolve().parents[3] / "tools" / "sample" / "reel-sample.mp4"
SAMPLE_ID = "00000000-0000-4000-8000-00000000cafe"


def test_a_fresh_instance_lists_the_transcoded_sample(reel_env, tmp_path):
    with new_database(reel_env, tmp_path) as (starter, url):
        host = starter(plugins=("auth", "video", "transcoder"), database_url=url,
                       env={**TEST_ENV, "REEL_SAMPLE_VIDEO": str(SAMPLE)})

        def listed():
            items = host.get("/api/v1/videos").json()["items"]
            return items if items else None
        items = wait_until(listed, timeout=240, interval=0.5, what="the sample in the public catalog")
        assert [v["id"] for v in items] == [SAMPLE_ID]
        sample = items[0]
        assert sample["state"] == "ready" and sample["visibility"] == "public"
        assert sample["width"] == 1280 and sample["height"] == 720
        master = host.data_dir / "media" / storage_key(sample["hlsUrl"])
        assert decode_errors(master) == ""
        # A restart does not import it again (the catalog is not empty).
        host.stop()
        host.start()
        assert [v["id"] for v in host.get("/api/v1/videos").json()["items"]] == [SAMPLE_ID]
        imported = host.find_logs(lambda e: "sample video" in msg(e) and "imported" in msg(e))
        assert len(imported) == 1, imported
