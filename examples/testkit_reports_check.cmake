# Run: cmake -DPROGRAM=<testkit_echo_buggy> -DCLI=<aiostreams> -DPYTHON=<python3> -DWORK_DIR=<dir>
#        -P testkit_reports_check.cmake
# Two shards of a sweep with --json and --junit; `aiostreams report merge` puts the JSON back
# together (every seed once, sorted); Python's xml.etree parses each JUnit file and finds a
# testcase per seed and a failure element per failed seed.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
foreach(k 0 1)
  execute_process(COMMAND "${PROGRAM}" sweep --test echo --seeds 1..40 --faults swarm --shard ${k}/2
      --json "${WORK_DIR}/shard${k}.json" --junit "${WORK_DIR}/shard${k}.xml"
    OUTPUT_VARIABLE out RESULT_VARIABLE result)
  if(NOT result EQUAL 1)  # the planted bug fails some seeds of each shard
    message(FATAL_ERROR "shard ${k} exited ${result}, expected 1:\n${out}")
  endif()
  execute_process(COMMAND "${PYTHON}" -c "
import json, sys, xml.etree.ElementTree as ET
suites = ET.parse(sys.argv[1]).getroot()
assert suites.tag == 'testsuites', suites.tag
cases = suites.findall('testsuite/testcase')
lines = [json.loads(line) for line in open(sys.argv[2])]
assert len(cases) == len(lines) == 20, (len(cases), len(lines))
failed = [c for c in cases if c.find('failure') is not None]
assert len(failed) == sum(1 for l in lines if not l['ok']) > 0
for c in failed:
    assert c.find('failure').get('message'), 'a failure without a message'
    assert 'replay: ' in c.find('failure').text
print('junit ok:', len(cases), 'cases,', len(failed), 'failures')
" "${WORK_DIR}/shard${k}.xml" "${WORK_DIR}/shard${k}.json" RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "shard ${k}: the JUnit report did not parse or does not match the JSON report")
  endif()
endforeach()
execute_process(COMMAND "${CLI}" report merge "${WORK_DIR}/all.json" "${WORK_DIR}/shard1.json" "${WORK_DIR}/shard0.json"
  OUTPUT_VARIABLE out RESULT_VARIABLE result)
if(NOT result EQUAL 1 OR NOT out MATCHES "merged 40 seeds from 2 files")
  message(FATAL_ERROR "report merge exited ${result}:\n${out}")
endif()
file(STRINGS "${WORK_DIR}/all.json" lines)
set(expected 1)
foreach(line IN LISTS lines)
  string(JSON seed GET "${line}" seed)
  if(NOT seed EQUAL expected)
    message(FATAL_ERROR "the merged report has seed ${seed} where ${expected} belongs")
  endif()
  math(EXPR expected "${expected} + 1")
endforeach()
if(NOT expected EQUAL 41)
  message(FATAL_ERROR "the merged report has ${expected} - 1 seeds, not 40")
endif()
execute_process(COMMAND "${CLI}" report merge "${WORK_DIR}/dup.json" "${WORK_DIR}/shard0.json" "${WORK_DIR}/shard0.json"
  ERROR_VARIABLE err RESULT_VARIABLE result)
if(NOT result EQUAL 2 OR NOT err MATCHES "shard0.json:1: test echo seed 1 is already in [^\n]*shard0.json:1")
  message(FATAL_ERROR "a duplicate was not rejected with FILE:LINE (exit ${result}):\n${err}")
endif()
