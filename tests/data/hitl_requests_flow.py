# ruff: noqa
# fmt: off
"""The request examples and the "API Integration" functions of HITL.sh's older requests page
(https://docs.hitl.sh/concepts/requests as of hitl-sh/docs.hitl.sh concepts/requests.mdx
@cce3de9, first at @ccaf0b6; requests/introduction.mdx there has the same examples), in the
older request shape: `content`, `content_type`, `priority` low|normal|high|urgent, `ai_analysis`,
`metadata`, `context`; verbatim except the lines marked `# SANDBOX:` (the host of the two URLs,
and `API_KEY`, which the seed uses without defining). The test sets `BASE_URL` and `API_KEY`.
"""

API_KEY = "your_api_key_here"  # SANDBOX: the test sets the sandbox key
BASE_URL = "https://api.hitl.sh/v1"  # SANDBOX: the test sets the sandbox URL

# "Request Structure": the required and the optional fields (JSON in the seed; the required
# fields' placeholders filled with one of the documented values).

REQUIRED_FIELDS = {
  "loop_id": "string",
  "content": "string",
  "content_type": "text",  # SANDBOX: was "text|image|video|document"
  "priority": "urgent"  # SANDBOX: was "low|normal|high|urgent"
}

OPTIONAL_FIELDS = {
  "ai_analysis": {
    "confidence": 0.75,
    "flags": ["potential_harm", "inappropriate_language"],
    "risk_score": 0.8,
    "model_version": "v2.1.0",
    "processing_time": 0.15
  },
  "metadata": {
    "user_id": "user_123",
    "timestamp": "2024-01-15T10:30:00Z",
    "source": "api_endpoint",
    "session_id": "sess_abc",
    "ip_address": "192.168.1.1"
  },
  "context": {
    "previous_decisions": 3,
    "user_reputation": "trusted",
    "content_category": "user_generated",
    "language": "en"
  }
}

# "Request Types"
text_request = {
    "content": "User submitted comment text",
    "content_type": "text",
    "ai_analysis": {
        "confidence": 0.65,
        "flags": ["potential_hate_speech"],
        "risk_score": 0.7
    },
    "context": {
        "language": "en",
        "content_length": 150,
        "contains_links": False
    }
}

image_request = {
    "content": "base64_encoded_image_data",
    "content_type": "image",
    "ai_analysis": {
        "confidence": 0.45,
        "flags": ["potential_nudity", "violence"],
        "risk_score": 0.9
    },
    "context": {
        "image_format": "jpeg",
        "dimensions": "1920x1080",
        "file_size": 245760,
        "upload_source": "mobile_app"
    }
}

video_request = {
    "content": "video_file_url",
    "content_type": "video",
    "ai_analysis": {
        "confidence": 0.35,
        "flags": ["potential_copyright_violation"],
        "risk_score": 0.6
    },
    "context": {
        "duration": 180,
        "format": "mp4",
        "resolution": "1080p",
        "audio_track": True
    }
}

document_request = {
    "content": "document_file_url",
    "content_type": "document",
    "ai_analysis": {
        "confidence": 0.55,
        "flags": ["missing_required_fields"],
        "risk_score": 0.4
    },
    "context": {
        "document_type": "expense_report",
        "file_format": "pdf",
        "page_count": 3,
        "submission_date": "2024-01-15"
    }
}

# "API Integration": "Creating Requests"
import requests

def submit_request(loop_id, request_data):
    response = requests.post(
        f"{BASE_URL}/loops/{loop_id}/requests",  # SANDBOX: was f"https://api.hitl.sh/v1/loops/{loop_id}/requests"
        headers={
            "Authorization": f"Bearer {API_KEY}",
            "Content-Type": "application/json"
        },
        json=request_data
    )
    
    if response.status_code == 201:
        return response.json()
    else:
        raise Exception(f"Failed to create request: {response.text}")

# "Retrieving Responses"

def get_request_response(request_id):
    response = requests.get(
        f"{BASE_URL}/requests/{request_id}/response",  # SANDBOX: was f"https://api.hitl.sh/v1/requests/{request_id}/response"
        headers={"Authorization": f"Bearer {API_KEY}"}
    )
    
    if response.status_code == 200:
        return response.json()
    else:
        return None  # Response not ready yet
