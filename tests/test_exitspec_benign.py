"""Lines that are never a failure's cause (classify.blank_benign) and the "handled" rule for
user-code codes (a later final exception without a code).

The real-output cases are the corpus's ``benign-lines/`` family (test_exitspec_corpus.py);
here: what is blanked and what is not, that offsets stay, that real failures next to benign
lines still decide, and that the quoted line is a real one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pai_runtime.exitspec import exitinfo, message, spec
from pai_runtime.exitspec.classify import blank_benign, classify
from pai_runtime.exitspec.logtail import LogTail

REPO = Path(__file__).resolve().parent.parent
DEFAULT = spec.load_file(REPO / "specs" / "runtime-exit-spec.yaml")
NOISE = "epoch 1 step 100 loss 0.52\n" * 20
TRACE = 'Traceback (most recent call last):\n  File "/work/train.py", line 88, in <module>\n    main()\n'

#: Each is blanked whole (the lines as the libraries print them; see the corpus for threads).
BENIGN = {
    "warnings module line and its source line":
        "/usr/lib/python3.11/site-packages/torch/nn/modules/conv.py:306: UserWarning: Plan failed with a "
        "cudnnException: CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR: cudnnFinalize Descriptor Failed cudnn_status: "
        "CUDNN_STATUS_NOT_SUPPORTED (Triggered internally at ../aten/src/ATen/native/cudnn/Conv_v8.cpp:919.)\n"
        "  return F.conv1d(input, weight, bias, self.stride,\n",
    "warning through logging.captureWarnings":
        "WARNING:py.warnings:/opt/app/data.py:12: FutureWarning: out of memory handling will change\n",
    "torch C++ warning without the file":
        "UserWarning: CUDA initialization: CUDA unknown error "
        "(Triggered internally at c10/cuda/CUDAFunctions.cpp:108.)\n",
    "glog I-level":
        "I0322 10:11:12.123456  1234 gpu_device.cc:1045] Creating TensorFlow device: CUDA error out of memory test\n",
    "TensorFlow I-level":
        "2017-07-31 11:35:13.846775: I tensorflow/core/common_runtime/bfc_allocator.cc:643] Bin (256): "
        "Total Chunks: 0, Chunks in use: 0 0B allocated for chunks. out of memory\n",
    "TensorFlow W-level fallback":
        "2021-02-27 01:33:49.415225: W external/org_tensorflow/tensorflow/stream_executor/gpu/asm_compiler.cc:235] "
        "Your CUDA software stack is old. We fallback to the NVIDIA driver for some compilation. The ptxas error "
        "was: ptxas fatal   : Value 'sm_86' is not defined for option 'gpu-name'\n",
    "glog W-level falling back":
        "W1212 14:17:37.451910 4242 gpu_conv_algorithm_picker.cc:727] Falling back to default algorithm: "
        "CUDNN_STATUS_EXECUTION_FAILED\n",
    "exception ignored in __del__":
        "Exception ignored in: <function tqdm.__del__ at 0x7f28d5bc0ae0>\nTraceback (most recent call last):\n"
        '  File "/x/tqdm/std.py", line 1149, in __del__\n    self.close()\n'
        "AttributeError: 'tqdm' object has no attribute 'last_print_t'\n",
    "exception ignored without traceback":
        "Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>\n"
        "BrokenPipeError: [Errno 32] Broken pipe\n",
    "Python 2 ignored exception":
        "Exception AttributeError: \"'tqdm' object has no attribute 'pos'\" in <object repr() failed> ignored\n",
    "logging error":
        "--- Logging error ---\nTraceback (most recent call last):\n"
        '  File "C:\\Python39\\lib\\logging\\__init__.py", line 1086, in emit\n'
        "    stream.write(msg + self.terminator)\n"
        "UnicodeEncodeError: 'gbk' codec can't encode character '\\u0283' in position 1393: illegal multibyte "
        'sequence\nCall stack:\n  File "G:\\train.py", line 63, in run\n    logger.info(hps)\n'
        "Message: {'train': 1}\nArguments: ()\n",
}

#: Lines that look alike but are a failure's own report: never blanked.
KEPT = {
    "glog E-level": "E0322 10:11:12.123456  1234 cuda_dnn.cc:235] could not create cudnn handle: "
                    "CUDNN_STATUS_INTERNAL_ERROR\n",
    "TensorFlow W-level failed op":
        "2023-08-02 16:43:09.854875: W tensorflow/core/framework/op_kernel.cc:1745] "
        "OP_REQUIRES failed at save_restore_v2_ops.cc:207 : DATA_LOSS: truncated block read\n",
    "TensorFlow W-level allocator OOM":
        "2017-07-31 11:36:02.747322: W tensorflow/core/common_runtime/bfc_allocator.cc:"
        "273] Allocator (cuda_host_bfc) ran out of memory trying to allocate 3.72GiB.\n",
    "torchrun W-level death signal":
        "W0409 07:28:49.530000 1359 torch/distributed/elastic/agent/server/api.py:719] "
        "Received 15 death signal, shutting down workers\n",
    "NCCL WARN": "pt-worker-0:4288:4521 [1] misc/socket.cc:30 NCCL WARN socketProgressOpt: Call to recv from "
                 "10.119.24.53<49901> failed : Broken pipe\n",
    "a traceback": TRACE + "IndexError: list index out of range\n",
    "a warning-like word in an error": "RuntimeError: UserWarning: handling changed in CUDA out of memory path\n",
}


def verdict(code: int, log: str):
    data = (NOISE + log).encode()
    return classify(DEFAULT, code, LogTail(data=data, found=True), LogTail(found=True), lambda: None), data


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_benign_lines_are_blanked_whole_keeping_offsets(name):
    data = ("before\n" + BENIGN[name] + "after\n").encode()
    out = blank_benign(data)
    assert len(out) == len(data)
    assert [i for i, b in enumerate(out) if b == 10] == [i for i, b in enumerate(data) if b == 10]
    assert out.split(b"\n")[0] == b"before" and out.split(b"\n")[-2] == b"after"
    assert not out[7:-6].strip(), out[7:-6]


@pytest.mark.parametrize("name", sorted(KEPT))
def test_failure_reports_are_not_blanked(name):
    data = KEPT[name].encode()
    assert blank_benign(data) is data


def test_invalid_utf8_inside_a_benign_line_is_blanked_too():
    data = b"x.py:3: UserWarning: caf\xe9 \xff CUDA error: out of memory\nok\n"
    assert blank_benign(data) == b" " * (len(data) - 4) + b"\nok\n"


def test_no_benign_line_is_no_copy():
    data = (NOISE + TRACE + "IndexError: x\n").encode()
    assert blank_benign(data) is data


@pytest.mark.parametrize(("log", "expected"), [
    # a real CUDA OOM after a warning still decides, and the warning's words cannot
    (BENIGN["warnings module line and its source line"]
     + "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB\n", 226),
    # a real cuDNN failure at E level after a W-level fallback still decides
    (BENIGN["glog W-level falling back"] + KEPT["glog E-level"], 241),
    # W-level failure reports stay searchable (the corpus holds the real threads)
    (KEPT["TensorFlow W-level failed op"], 243),
    # an ignored exception printed before the real error does not hide it
    (BENIGN["exception ignored in __del__"] + TRACE + "ModuleNotFoundError: No module named 'tensorboardX'\n", 232),
    # nor one printed after it (shutdown): the ImportError decides, not the ignored AttributeError
    (TRACE + "ModuleNotFoundError: No module named 'tensorboardX'\n" + BENIGN["exception ignored in __del__"], 232),
    (TRACE + "IndexError: list index out of range\n" + BENIGN["Python 2 ignored exception"], 233),
    # a logging error before a real IndexError
    (BENIGN["logging error"] + TRACE + "IndexError: list index out of range\n", 233),
])
def test_real_failures_next_to_benign_lines_still_decide(log, expected):
    v, data = verdict(1, log)
    assert v.exit_code == expected, (v.exit_code, v.phrase)
    start, end = v.user_span
    quoted = data[start:end]
    assert quoted.strip() and quoted == blank_benign(data)[start:end], "the quote is a blanked line"
    info, keep_end = exitinfo.build(v, data, b"")
    assert data[start:end].decode().split("\n")[0].strip() in message.fit(info, keep_end)["errorLogs"]["user"]


HANDLED = TRACE.replace("<module>", "_is_triton_available") + "ModuleNotFoundError: No module named 'triton'\n"


@pytest.mark.parametrize(("ending", "expected"), [
    # the program ended in an exception without a code: the coded one before it was handled
    (TRACE + "ValueError: Expected 2D Tensor, got 1D.\n", 255),
    (TRACE + "KeyboardInterrupt\n", 255),
    (TRACE + "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n", 255),
    # a coded one last: it decides (the latest-line rule)
    (TRACE + "IndexError: list index out of range\n", 233),
    # launchers' wrappers of a child's failure are not the program's own exception
    ("torch.distributed.elastic.multiprocessing.errors.ChildFailedError: \n", 232),
    ("subprocess.CalledProcessError: Command '['python', 'train.py']' returned non-zero exit status 1.\n", 232),
    # nothing after it: the coded one ended the program
    ("", 232),
])
def test_a_later_uncoded_exception_means_the_coded_one_was_handled(ending, expected):
    v, _ = verdict(1, HANDLED + "Running on local URL:  http://127.0.0.1:7860\n" + ending)
    assert v.exit_code == expected, (v.exit_code, v.phrase)


def test_handled_user_code_error_leaves_other_causes_to_decide():
    """Once the coded exception is known to be handled, entries of other codes still match
    (file order): a host OOM kill reported by torchrun after it."""
    log = (HANDLED + "  exitcode  : -9 (pid: 14750)\n  traceback : Signal 9 (SIGKILL) received by PID 14750\n"
           + TRACE + "ValueError: bad\n")
    v, _ = verdict(1, log)
    assert v.exit_code == 237, (v.exit_code, v.phrase)
