#!/usr/bin/env bash
# Walks one candidacy through every phase with curl, against `npm run dev` (another terminal).
# It uses the accelerated demo project, whose clocks run in seconds, and the demo tokens that
# `npm run dev` printed (also saved in .data/demo-tokens.json). About one minute.
set -euo pipefail
API=${API:-http://localhost:3000/api}
TOKENS=${TOKENS:-${DATA_DIR:-.data}/demo-tokens.json}
token() { node -p "require('$(realpath "$TOKENS")')['$1']"; }
ADV=$(token advisor) CERT=$(token certifier) COACH=$(token coach)
FAST=7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0002    # « Démonstration accélérée »
COACHING_OPERATOR=7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0104
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o?.[k],v))})' "$1"; }

step() { printf '\n\033[1m%s\033[0m\n' "$*"; }
act() { # act <action> <token> [json]: prints the phase and who must act next
  local out
  out=$(curl -s -X POST "$API/candidacies/$ID/$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "${3:-{\}}")
  echo "$out" | field phase | sed 's/^/  phase: /'
  echo "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);if(v.status>=400){console.log("  refused:",v.code,"—",v.detail);process.exit(1)}console.log("  waiting on:",JSON.stringify(v.waitingOn),"| next deadline:",v.deadlines?.[0]?.label??"none",v.deadlines?.[0]?.dueAt??"")})'
}

step "1. Create the candidacy (identified)"
ID=$(curl -s -X POST "$API/candidacies" -H "Authorization: Bearer $ADV" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: walkthrough-$(date +%s)" \
  -d "{\"projectId\":\"$FAST\",\"rncpCode\":\"RNCP35830\",\"targetBlocks\":[\"RNCP35830BC01\",\"RNCP35830BC02\"],
       \"candidate\":{\"firstName\":\"Karim\",\"lastName\":\"Lefèvre\",\"email\":\"karim.lefevre@exemple.fr\",\"phone\":\"06 98 76 54 32\",
       \"birthYear\":1979,\"qualificationLevel\":\"level3\",\"jobSituation\":\"employed_job_threatened\"}}" | field id)
echo "  candidacy $ID (workflow candidacy-$ID)"
step "2. Information and advice recorded (informed)"
act record-information "$ADV" '{"eligibilityChecked":true,"rncpCode":"RNCP35830","targetBlocks":["RNCP35830BC01","RNCP35830BC02"],"profile":{"qualificationLevel":"level3","jobSituation":"employed_job_threatened"}}'
step "3. Admissibility request sent to the certifier (its clock starts)"
act submit-admissibility "$ADV"
step "4. The certifier finds the file incomplete (clock suspended)"
act mark-incomplete "$CERT" '{"missingItems":["identity_document","proof_of_experience"]}'
step "5. The file is completed (clock resumes)"
act complete-file "$ADV"
step "6. The certifier declares it admissible"
act decide-admissibility "$CERT" '{"admissible":true}'
step "7. Coaching handed over to the coaching operator"
act assign-coach "$ADV" "{\"coachOperatorId\":\"$COACHING_OPERATOR\"}"
step "8. A coaching session is logged"
act log-coaching-session "$COACH" "{\"date\":\"$(date -u +%FT%TZ)\",\"durationMinutes\":90,\"modality\":\"remote\"}"
step "9. The validation file is submitted"
act submit-validation-file "$COACH"
step "10. The jury is scheduled 35 s ahead (convocation lead time of this project: 30 s)"
act schedule-jury "$CERT" "{\"sessionAt\":\"$(date -u -d '+35 seconds' +%FT%TZ)\",\"modality\":\"remote\",\"place\":\"https://visio.exemple.fr/jury-42\"}"
step "11. Waiting for the session (reminder to the candidate 20 s before)…"
sleep 37
curl -s "$API/candidacies/$ID" -H "Authorization: Bearer $ADV" | field live.phase | sed 's/^/  phase: /'
step "12. The certifier enters a partial result"
act record-jury-result "$CERT" '{"outcome":"partial","blocks":[{"code":"RNCP35830BC01","validated":true},{"code":"RNCP35830BC02","validated":false}]}'
step "13. A follow-up candidacy opens for the remaining block"
curl -s -X POST "$API/candidacies/$ID/follow-up" -H "Authorization: Bearer $ADV" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log("  follow-up",v.id,"for",v.targetBlocks.join(", "),"— parent",v.parentCandidacyId)})'
step "Journal of the first candidacy (from PostgreSQL) and e-mails: see the mail UI, http://localhost:8025"
