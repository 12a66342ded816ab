#!/usr/bin/env bash
# The one-time move of the storage code from data/ into data/storage/ (issue 11, point 3), kept until
# the move lands. A dry run lists what moves and which unexported names storage would need exported:
#   DRY=1 bash scripts/storagesplit/run.sh
# The lists below are the judgement the tool cannot make: files whose declarations go to storage
# unless domain code needs them (WEAKFILE), and types that go with all their methods (FORCE).
# CustomerFilter.match became the function matchCustomer for it: a domain type's method may not take
# the index's idSet. Open before the real run: CustomerRow's index internals (rowHay, grading).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
go build -o /tmp/storagesplit .
weak="verify.go,compact.go,temps.go,temps_unix.go,output.go,output_unix.go,rowcodec.go,codec.go,import.go,import_batch.go,import_undo.go,index.go,search.go,export_json.go,export.go,store.go,store_customers.go,store_metrics.go,store_opportunities.go,store_settings.go,store_members.go,store_followups.go,store_activities.go,store_bulk.go,store_search.go,store_metrics_owner.go,backup.go,salvage.go,salvage_repair.go,check.go,migrate.go,audit.go,audit_chain.go,auth.go,pool.go,review.go,handover.go,savedfilter.go,loadpool.go,fanout.go,demo.go,demo_activities.go,demo_pipeline.go,mmap_linux.go,mmap_unix.go,$(cd "$root/data" && ls *_test.go | paste -sd,)"
force="OutputFile,indexRow,rowHay,rowGrading,gradeInputs,CheckReport,demoGen,committed,index,rowPlan,sheetPlan,parseCtx,batch,custState,exportWriter,pageFile,pageHeader,compareSet,metricsSnapshot,dealRow,loadPool,group,idSet,hayArena,pageWalk,copyWriter,rawValues,pageSet,rowRecord,searchTerm,periodPlan,dealStep,colPlan,rowCell,custExtras,oppExtras,table,ExportDoc"
WEAKFILE=$weak FORCE=$force VERBOSE=${VERBOSE:-} DRY=${DRY:-} /tmp/storagesplit "$root"
